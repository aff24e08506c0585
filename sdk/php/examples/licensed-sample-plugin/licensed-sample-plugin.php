<?php
/**
 * Plugin Name:       Licensed Sample
 * Description:       Shows the licensing drop-in: a license page, notices, re-validation and licensed updates; the [licensed_sample_report] shortcode is a paid feature.
 * Version:           1.0.0
 * Requires at least: 5.2
 * Requires PHP:      7.4
 * Text Domain:       licensed-sample-plugin
 * Update URI:        https://licensing.example.com/licensed-sample-plugin
 * License:           MIT
 */

if (!defined('ABSPATH')) {
    exit;
}

// A packaged plugin carries a copy of sdk/php in licensing-sdk/; in this repository the SDK is two folders up.
require_once is_file(__DIR__ . '/licensing-sdk/autoload.php') ? __DIR__ . '/licensing-sdk/autoload.php' : __DIR__ . '/../../autoload.php';

// The one call. `jwks` is GET /v1/keys of your deployment, saved next to this file when you build the plugin.
$GLOBALS['licensed_sample_license'] = \Licensing\WordPress\LicensedProduct::register(__FILE__, [
    'api' => defined('LICENSED_SAMPLE_API') ? LICENSED_SAMPLE_API : 'https://licensing.example.com/api/',
    'productId' => 'licensed-sample-plugin',
    'jwks' => __DIR__ . '/licensing-keys.json',
    'name' => 'Licensed Sample',
]);

/** The paid feature is on only while a verified certificate of this site lists `reports`. */
function licensed_sample_reports_enabled(): bool
{
    return $GLOBALS['licensed_sample_license']->hasFeature('reports');
}

add_shortcode('licensed_sample_report', static function (): string {
    if (!licensed_sample_reports_enabled()) {
        return '<p class="licensed-sample-locked">' . esc_html__('Reports need an active Licensed Sample license.', 'licensed-sample-plugin') . '</p>';
    }
    $count = wp_count_posts()->publish;
    /* translators: %d: number of published posts */
    return '<p class="licensed-sample-report">' . esc_html(sprintf(__('Report: %d published posts.', 'licensed-sample-plugin'), $count)) . '</p>';
});
