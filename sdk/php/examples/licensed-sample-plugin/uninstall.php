<?php
// Deleting the plugin removes the license key, certificate and verdict from every site, and the cached update check.
if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}
require_once is_file(__DIR__ . '/licensing-sdk/autoload.php') ? __DIR__ . '/licensing-sdk/autoload.php' : __DIR__ . '/../../autoload.php';
\Licensing\WordPress\LicensedProduct::uninstall('licensed-sample-plugin');
