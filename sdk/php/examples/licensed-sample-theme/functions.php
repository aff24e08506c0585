<?php
// A theme registers from its functions.php: the drop-in recognises the theme and uses the theme update transient.
if (!defined('ABSPATH')) {
    exit;
}

require_once is_file(__DIR__ . '/licensing-sdk/autoload.php') ? __DIR__ . '/licensing-sdk/autoload.php' : __DIR__ . '/../../autoload.php';

$GLOBALS['licensed_sample_theme_license'] = \Licensing\WordPress\LicensedProduct::register(__FILE__, [
    'api' => defined('LICENSED_SAMPLE_API') ? LICENSED_SAMPLE_API : 'https://licensing.example.com/api/',
    'productId' => 'licensed-sample-theme',
    'jwks' => __DIR__ . '/licensing-keys.json',
    'name' => 'Licensed Sample Theme',
]);

/** The paid feature: removing the footer credit needs a license whose certificate lists `white-label`. */
function licensed_sample_theme_credit(): string
{
    return $GLOBALS['licensed_sample_theme_license']->hasFeature('white-label')
        ? ''
        : esc_html__('Made with Licensed Sample Theme', 'licensed-sample-theme');
}
