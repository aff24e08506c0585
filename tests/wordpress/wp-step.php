<?php
/**
 * One step inside the test site, as a fresh WordPress process would run it: php wp-step.php <step> [json argument].
 * Prints one JSON line. Used by WordPressTest.php; WP_DIR names the site.
 */
$site = getenv('WP_DIR');
$url = parse_url((string) getenv('WP_URL'));
$_SERVER['HTTP_HOST'] = $url['host'] . ':' . $url['port'];
$_SERVER['SERVER_NAME'] = $url['host'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$step = $argv[1];
$arg = isset($argv[2]) ? json_decode($argv[2], true) : null;
if (!empty($arg['force'])) {
    $_GET['force-check'] = '1'; // Dashboard → Updates → "Check again"
}
if ($step === 'install') {
    define('WP_INSTALLING', true);
}
if ($step === 'update-check') {
    define('DOING_CRON', true); // WordPress checks for updates on WP-Cron (and EDD's updater loads there)
}
require $site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
require_once ABSPATH . 'wp-admin/includes/plugin-install.php';

const PLUGIN = 'licensed-sample-plugin/licensed-sample-plugin.php';
const PREFIX = 'licensing_licensed_sample_plugin_';

function out($value): void
{
    echo json_encode($value, JSON_UNESCAPED_SLASHES), "\n";
}

/** The upgrader's messages, for failures. */
final class CollectingSkin extends WP_Upgrader_Skin
{
    public $lines = [];

    public function feedback($feedback, ...$args)
    {
        $this->lines[] = is_string($feedback) ? vsprintf($this->upgrader->strings[$feedback] ?? $feedback, $args) : $feedback;
    }

    public function header() {}

    public function footer() {}

    public function error($errors)
    {
        $this->lines[] = is_wp_error($errors) ? $errors->get_error_message() : (string) $errors;
    }
}

function options(): array
{
    global $wpdb;
    $rows = $wpdb->get_results("SELECT option_name, autoload FROM {$wpdb->options} WHERE option_name LIKE 'licensing\\_licensed\\_sample\\_plugin%'", ARRAY_A);
    return array_column($rows, 'autoload', 'option_name');
}

switch ($step) {
    case 'install':
        require_once ABSPATH . 'wp-admin/includes/upgrade.php';
        $r = wp_install('Licensing test site', 'admin', 'admin@example.com', false, '', 'admin-password');
        wp_insert_user(['user_login' => 'editor', 'user_pass' => 'editor-password', 'user_email' => 'editor@example.com', 'role' => 'editor']);
        out(['userId' => $r['user_id'], 'version' => get_bloginfo('version')]);
        break;
    case 'install-plugin':
        $skin = new CollectingSkin();
        $installed = (new Plugin_Upgrader($skin))->install($arg['zip']);
        $activated = activate_plugin(PLUGIN);
        out(['installed' => $installed === true, 'activated' => $activated === null, 'messages' => $skin->lines,
            'scheduled' => (bool) wp_next_scheduled(PREFIX . 'revalidate')]);
        break;
    case 'state':
        $license = $GLOBALS['licensed_sample_license'];
        $state = $license->state();
        out(['reports' => licensed_sample_reports_enabled(), 'shortcode' => do_shortcode('[licensed_sample_report]'),
            'code' => $state ? $state->code : null, 'certificate' => $state && $state->certificate ? $state->certificate : null,
            'verdict' => get_option(PREFIX . 'verdict'), 'options' => options(),
            'version' => get_plugin_data(WP_PLUGIN_DIR . '/' . PLUGIN)['Version'],
            'nextRevalidation' => $license->client()->nextRevalidation(), 'now' => \Licensing\WordPress\LicensedProduct::now(),
            'scheduled' => wp_next_scheduled(PREFIX . 'revalidate')]);
        break;
    case 'install-edd-fixture':
        $dir = WP_PLUGIN_DIR . '/edd-sample-fixture';
        wp_mkdir_p($dir);
        copy(__DIR__ . '/fixtures/edd-sample-fixture/edd-sample-fixture.php', $dir . '/edd-sample-fixture.php');
        copy(__DIR__ . '/fixtures/edd/EDD_SL_Plugin_Updater.php', $dir . '/EDD_SL_Plugin_Updater.php');
        update_option('edd_sample_fixture_store_url', $arg['storeUrl']);
        update_option('edd_sample_fixture_license_key', $arg['license']);
        out(['activated' => activate_plugin('edd-sample-fixture/edd-sample-fixture.php') === null]);
        break;
    case 'download':
        $file = download_url($arg['url']);
        if (is_wp_error($file)) {
            out(['error' => $file->get_error_message()]);
            break;
        }
        $zip = new ZipArchive();
        $zip->open($file);
        $main = $zip->getFromName('licensed-sample-plugin/licensed-sample-plugin.php');
        $zip->close();
        unlink($file);
        out(['version' => preg_match('/Version:\s+(\S+)/', (string) $main, $m) ? $m[1] : null]);
        break;
    case 'update-check':
        if (!empty($arg['forget'])) {
            delete_site_transient('update_plugins');
        }
        wp_update_plugins();
        $t = get_site_transient('update_plugins');
        $edd = 'edd-sample-fixture/edd-sample-fixture.php';
        // WordPress 5.8+ also asks the plugin's Update URI host; the drop-in answers there too.
        $updateUri = apply_filters('update_plugins_licensing.example.com', false, get_plugin_data(WP_PLUGIN_DIR . '/' . PLUGIN), PLUGIN, []);
        out(['response' => $t->response[PLUGIN] ?? null, 'noUpdate' => $t->no_update[PLUGIN] ?? null, 'checked' => $t->checked[PLUGIN] ?? null,
            'edd' => $t->response[$edd] ?? $t->no_update[$edd] ?? null, 'updateUri' => $updateUri]);
        break;
    case 'plugin-info':
        out(plugins_api('plugin_information', (object) ['slug' => 'licensed-sample-plugin', 'fields' => []]));
        break;
    case 'upgrade':
        wp_set_current_user(1);
        $skin = new CollectingSkin();
        // What the Plugins screen's "Update now" runs (wp_ajax_update_plugin): bulk_upgrade keeps the plugin active.
        $results = (new Plugin_Upgrader($skin))->bulk_upgrade([PLUGIN]);
        $result = is_array($results) && is_array($results[PLUGIN] ?? null) ? true : ($results[PLUGIN] ?? false);
        wp_clean_plugins_cache(false);
        out(['result' => $result === true, 'messages' => $skin->lines, 'version' => get_plugin_data(WP_PLUGIN_DIR . '/' . PLUGIN)['Version'],
            'active' => is_plugin_active(PLUGIN)]);
        break;
    case 'install-theme':
        $skin = new CollectingSkin();
        $installed = (new Theme_Upgrader($skin))->install($arg['zip']);
        switch_theme('licensed-sample-theme');
        out(['installed' => $installed === true, 'messages' => $skin->lines, 'active' => get_stylesheet()]);
        break;
    case 'theme-activate':
        // What the theme's license page runs on "Activate" (the page itself is tested with the plugin).
        $state = $GLOBALS['licensed_sample_theme_license']->activate($arg['key']);
        out(['code' => $state->code, 'credit' => licensed_sample_theme_credit(),
            'scheduled' => (bool) wp_next_scheduled('licensing_licensed_sample_theme_revalidate')]);
        break;
    case 'theme-update-check':
        delete_site_transient('update_themes');
        wp_update_themes();
        $t = get_site_transient('update_themes');
        out(['response' => $t->response['licensed-sample-theme'] ?? null, 'noUpdate' => $t->no_update['licensed-sample-theme'] ?? null]);
        break;
    case 'theme-upgrade':
        $skin = new CollectingSkin();
        $results = (new Theme_Upgrader($skin))->bulk_upgrade(['licensed-sample-theme']);
        wp_clean_themes_cache();
        out(['result' => is_array($results['licensed-sample-theme'] ?? null), 'messages' => $skin->lines,
            'version' => wp_get_theme('licensed-sample-theme')->get('Version'), 'active' => get_stylesheet(), 'credit' => licensed_sample_theme_credit()]);
        break;
    case 'make-network':
        global $wpdb;
        // What Tools → Network Setup does, then the constants it asks to add to wp-config.php.
        require_once ABSPATH . 'wp-admin/includes/upgrade.php';
        foreach ($wpdb->tables('ms_global') as $table => $prefixed) {
            $wpdb->$table = $prefixed; // as wp-admin/network.php does
        }
        install_network();
        $host = $_SERVER['HTTP_HOST'];
        $r = populate_network(1, $host, 'admin@example.com', 'Test network', '/', false);
        file_put_contents($site . '/multisite.php', "<?php\ndefine('MULTISITE', true);\ndefine('SUBDOMAIN_INSTALL', false);\n"
            . "define('DOMAIN_CURRENT_SITE', '$host');\ndefine('PATH_CURRENT_SITE', '/');\n"
            . "define('SITE_ID_CURRENT_SITE', 1);\ndefine('BLOG_ID_CURRENT_SITE', 1);\n");
        out(['ok' => $r === true, 'error' => is_wp_error($r) ? $r->get_error_message() : null]);
        break;
    case 'add-site':
        $id = wpmu_create_blog($arg['domain'], '/', 'Second shop', 1);
        out(['id' => is_wp_error($id) ? $id->get_error_message() : $id, 'multisite' => is_multisite()]);
        break;
    case 'network-install-plugin':
        $skin = new CollectingSkin();
        $installed = (new Plugin_Upgrader($skin))->install($arg['zip']);
        $activated = activate_plugin(PLUGIN, '', true);
        out(['installed' => $installed === true, 'networkActive' => $activated === null && is_plugin_active_for_network(PLUGIN), 'messages' => $skin->lines]);
        break;
    case 'site-activate':
        switch_to_blog((int) $arg['site']);
        $state = $GLOBALS['licensed_sample_license']->activate($arg['key']);
        restore_current_blog();
        out(['code' => $state->code, 'domain' => $state->certificate['domain'] ?? null]);
        break;
    case 'sites':
        $sites = [];
        foreach (get_sites(['fields' => 'ids']) as $id) {
            switch_to_blog((int) $id);
            $state = $GLOBALS['licensed_sample_license']->state();
            $sites[$id] = ['home' => home_url(), 'reports' => licensed_sample_reports_enabled(), 'code' => $state ? $state->code : null,
                'domain' => $state && $state->certificate ? $state->certificate['domain'] : null, 'options' => options()];
            restore_current_blog();
        }
        out($sites);
        break;
    case 'site-update-check':
        switch_to_blog((int) $arg['site']);
        delete_site_transient('update_plugins');
        delete_site_transient(PREFIX . 'update');
        wp_update_plugins();
        $t = get_site_transient('update_plugins');
        restore_current_blog();
        out(['response' => $t->response[PLUGIN] ?? null, 'noUpdate' => $t->no_update[PLUGIN] ?? null]);
        break;
    case 'network-uninstall':
        deactivate_plugins(PLUGIN, false, true);
        $deleted = delete_plugins([PLUGIN]);
        $left = [];
        foreach (get_sites(['fields' => 'ids']) as $id) {
            switch_to_blog((int) $id);
            $left[$id] = options();
            restore_current_blog();
        }
        out(['deleted' => $deleted === true, 'options' => $left, 'update' => get_site_transient(PREFIX . 'update')]);
        break;
    case 'cron-due':
        // Makes the daily event due now; the test then calls wp-cron.php over HTTP, as a real cron request would.
        $next = wp_next_scheduled(PREFIX . 'revalidate');
        wp_unschedule_event($next, PREFIX . 'revalidate');
        wp_schedule_event(time() - 1, 'daily', PREFIX . 'revalidate');
        out(['was' => $next, 'now' => wp_next_scheduled(PREFIX . 'revalidate')]);
        break;
    case 'requests':
        $paths = array_map(static function (string $path): string {
            return preg_replace('#^.*/api/#', '', $path);
        }, (array) get_option('licensing_test_requests', []));
        if (!empty($arg['reset'])) {
            update_option('licensing_test_requests', []);
        }
        out(['paths' => $paths]);
        break;
    case 'set-locale':
        update_user_meta(1, 'locale', $arg['locale']);
        if (isset($arg['mo'])) {
            $dir = WP_PLUGIN_DIR . '/licensed-sample-plugin/licensing-sdk/languages';
            wp_mkdir_p($dir);
            file_put_contents($dir . '/licensing-sdk-' . $arg['locale'] . '.mo', base64_decode($arg['mo']));
        }
        out(['locale' => get_user_locale(1)]);
        break;
    case 'set-clock':
        update_option('licensing_test_clock_offset', (int) $arg['offset']);
        if (isset($arg['offline'])) {
            update_option('licensing_test_offline', (bool) $arg['offline']);
        }
        out(['offset' => (int) get_option('licensing_test_clock_offset')]);
        break;
    case 'uninstall':
        deactivate_plugins(PLUGIN);
        $deleted = delete_plugins([PLUGIN]);
        out(['deleted' => $deleted === true, 'options' => options(), 'update' => get_site_transient(PREFIX . 'update'),
            'scheduled' => wp_next_scheduled(PREFIX . 'revalidate')]);
        break;
    default:
        fwrite(STDERR, "unknown step $step\n");
        exit(2);
}
