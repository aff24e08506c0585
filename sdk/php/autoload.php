<?php
// For installs by copying this folder (no Composer): require_once __DIR__ . '/path/to/sdk/php/autoload.php';
// Composer users get the same mapping from composer.json ("Licensing\\" => src/).
if (!defined('LICENSING_SDK_AUTOLOAD')) {
    define('LICENSING_SDK_AUTOLOAD', __DIR__);
    spl_autoload_register(static function (string $class): void {
        if (strncmp($class, 'Licensing\\', 10) !== 0) {
            return;
        }
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 10)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    });
}
