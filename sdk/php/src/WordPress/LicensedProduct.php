<?php

namespace Licensing\WordPress;

use Licensing\CertificateStore;
use Licensing\LicenseClient;
use Licensing\LicenseState;

/**
 * The WordPress drop-in: one call from a plugin's main file or a theme's functions.php adds the license settings page,
 * admin notices, daily re-validation on WP-Cron, and licensed updates.
 *
 *     $license = \Licensing\WordPress\LicensedProduct::register(__FILE__, [
 *         'api' => 'https://my-licensing.azurewebsites.net/api/', 'productId' => 'my-plugin',
 *         'jwks' => __DIR__ . '/licensing-keys.json', 'name' => 'My Plugin']);
 *     if ($license->hasFeature('export')) { ... }
 */
final class LicensedProduct
{
    /** @var array<string, mixed> */
    public $config;
    /** @var string 'plugin' or 'theme' */
    public $type;
    /** @var string the plugin's folder name or the theme's stylesheet */
    public $slug;
    /** @var string plugin_basename() of the main file ('' for a theme) */
    public $basename;
    /** @var string option and hook prefix */
    public $prefix;
    /** @var string */
    private $file;
    /** @var array<int, LicenseState|null> this request's verdict per site (a network's code may switch sites) */
    private $states = [];

    /**
     * @param string $file the plugin's main file or the theme's functions.php (__FILE__)
     * @param array{api: string, productId: string, jwks: string|array, name?: string, channel?: string, url?: string,
     *     slug?: string, type?: string, expiringDays?: int, menuParent?: string} $config
     */
    public static function register(string $file, array $config): self
    {
        $product = new self($file, $config);
        $product->hook();
        return $product;
    }

    private function __construct(string $file, array $config)
    {
        $this->file = $file;
        $isTheme = isset($config['type']) ? $config['type'] === 'theme'
            : basename($file) === 'functions.php' && strpos(wp_normalize_path($file), wp_normalize_path(get_theme_root())) === 0;
        $this->type = $isTheme ? 'theme' : 'plugin';
        $this->basename = $isTheme ? '' : plugin_basename($file);
        $this->slug = $config['slug'] ?? ($isTheme ? basename(dirname($file)) : dirname($this->basename));
        $this->prefix = self::prefix($this->slug);
        $this->config = $config + ['name' => $this->slug, 'channel' => 'stable', 'expiringDays' => 14, 'menuParent' => 'options-general.php'];
    }

    private function hook(): void
    {
        $settings = new SettingsPage($this);
        add_action('admin_menu', [$settings, 'addMenu']);
        add_action('admin_post_' . $this->prefix . 'activate', [$settings, 'handleActivate']);
        add_action('admin_post_' . $this->prefix . 'deactivate', [$settings, 'handleDeactivate']);
        add_action('admin_notices', [new Notices($this, $settings), 'render']);
        add_action($this->prefix . 'revalidate', [$this, 'revalidate']);
        add_action('init', [$this, 'schedule']);
        add_action('init', static function (): void {
            load_textdomain('licensing-sdk', dirname(__DIR__, 2) . '/languages/licensing-sdk-' . determine_locale() . '.mo');
        });
        if ($this->type === 'plugin') {
            register_activation_hook($this->file, [$this, 'schedule']);
            register_deactivation_hook($this->file, [$this, 'unschedule']);
            (new PluginUpdater($this, $this->file))->hook();
        } else {
            add_action('switch_theme', [$this, 'unschedule']);
            (new ThemeUpdater($this))->hook();
        }
    }

    public function client(): LicenseClient
    {
        return new LicenseClient([
            'baseUrl' => $this->config['api'],
            'jwks' => $this->config['jwks'],
            'productId' => $this->config['productId'],
            'storage' => new OptionStorage($this->prefix),
            'transport' => new WordPressTransport(),
            'now' => [self::class, 'now'],
        ]);
    }

    /** The clock: time(), through the `licensing_sdk_now` filter (tests move it forward). */
    public static function now(): int
    {
        return (int) apply_filters('licensing_sdk_now', time());
    }

    /** The license key saved on this site, or ''. */
    public function key(): string
    {
        return (string) get_option($this->prefix . 'key', '');
    }

    /** What activations and validations name: this site's home URL (the server keeps its host). */
    public function domain(): string
    {
        return home_url();
    }

    /**
     * This site's verdict without a request: a stored certificate that verifies now, else the last verdict the
     * server gave, else null when no key is saved. Computed once per request.
     */
    public function state(): ?LicenseState
    {
        $site = get_current_blog_id();
        if (array_key_exists($site, $this->states)) {
            return $this->states[$site];
        }
        $key = $this->key();
        if ($key === '') {
            return $this->states[$site] = null;
        }
        $cached = $this->client()->cached($key, $this->domain());
        if ($cached !== null) {
            return $this->states[$site] = $cached;
        }
        $verdict = get_option($this->prefix . 'verdict', []);
        $code = is_array($verdict) && isset($verdict['code']) ? (string) $verdict['code'] : 'UNREACHABLE';
        if ($code === 'VALID') {
            $code = 'CERTIFICATE_EXPIRED'; // the last answer was good, but its certificate no longer verifies now
        }
        return $this->states[$site] = new LicenseState(false, $code, is_array($verdict) ? (string) ($verdict['detail'] ?? '') : '');
    }

    public function isValid(): bool
    {
        $state = $this->state();
        return $state !== null && $state->valid;
    }

    /** The gate for a paid feature: true only while a verified certificate lists it. */
    public function hasFeature(string $feature): bool
    {
        $state = $this->state();
        return $state !== null && $state->hasFeature($feature);
    }

    /** Activates $key for this site and saves it when the server says VALID. */
    public function activate(string $key): LicenseState
    {
        $state = $this->client()->activate($key, $this->domain(), null, get_bloginfo('name'));
        if ($state->valid) {
            update_option($this->prefix . 'key', $key, false);
        }
        return $this->record($state);
    }

    /** Frees this site's slot and forgets the key; true when the server confirmed (the key is forgotten either way). */
    public function deactivate(): bool
    {
        $done = $this->key() !== '' && $this->client()->deactivate($this->key(), $this->domain());
        $this->client()->forget();
        delete_option($this->prefix . 'key');
        delete_option($this->prefix . 'verdict');
        $this->changed();
        return $done;
    }

    /** The WP-Cron job (daily): asks the server only once revalidateAfter (plus jitter) has passed. */
    public function revalidate(): ?LicenseState
    {
        $key = $this->key();
        return $key === '' ? null : $this->record($this->client()->check($key, $this->domain()));
    }

    public function schedule(): void
    {
        if (!wp_next_scheduled($this->prefix . 'revalidate')) {
            wp_schedule_event(time() + HOUR_IN_SECONDS, 'daily', $this->prefix . 'revalidate');
        }
    }

    public function unschedule(): void
    {
        wp_clear_scheduled_hook($this->prefix . 'revalidate');
    }

    /** Keeps the verdict (not on offline answers: the certificate speaks then); a change drops the cached update check. */
    private function record(LicenseState $state): LicenseState
    {
        $before = get_option($this->prefix . 'verdict', []);
        if (!$state->offline) {
            update_option($this->prefix . 'verdict', ['code' => $state->code, 'detail' => $state->detail, 'at' => self::now()], false);
        }
        if (!is_array($before) || ($before['code'] ?? null) !== $state->code) {
            $this->changed();
        }
        unset($this->states[get_current_blog_id()]);
        if ($state->valid) {
            $this->states[get_current_blog_id()] = $state;
        }
        return $state;
    }

    private function changed(): void
    {
        unset($this->states[get_current_blog_id()]);
        delete_site_transient($this->prefix . 'update');
    }

    /** The option and hook prefix of a product's slug. */
    private static function prefix(string $slug): string
    {
        return 'licensing_' . str_replace('-', '_', sanitize_key($slug)) . '_';
    }

    /** Removes everything the drop-in stored for $slug, on every site of a network (call it from uninstall.php). */
    public static function uninstall(string $slug): void
    {
        $prefix = self::prefix($slug);
        $clean = static function () use ($prefix): void {
            foreach (array_merge(['key', 'verdict'], CertificateStore::NAMES) as $name) {
                delete_option($prefix . $name);
            }
            wp_clear_scheduled_hook($prefix . 'revalidate');
        };
        if (is_multisite()) {
            foreach (get_sites(['fields' => 'ids', 'number' => 0]) as $id) {
                switch_to_blog((int) $id);
                $clean();
                restore_current_blog();
            }
        } else {
            $clean();
        }
        delete_site_transient($prefix . 'update');
    }
}
