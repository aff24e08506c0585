<?php

namespace Licensing\WordPress;

/**
 * Licensed plugin updates: pre_set_site_transient_update_plugins (every WordPress), update_plugins_{hostname} when the
 * plugin's header has an `Update URI` (WordPress 5.8+), and plugins_api for the "View details" window. The plugin is
 * put in `response` with the signed package (or without one, and the reason, when the license does not cover it) or
 * in `no_update`, so WordPress's auto-update toggle works.
 */
final class PluginUpdater
{
    /** @var LicensedProduct */
    private $product;
    /** @var string */
    private $file;
    /** @var UpdateCheck */
    private $check;

    public function __construct(LicensedProduct $product, string $file)
    {
        $this->product = $product;
        $this->file = $file;
        $this->check = new UpdateCheck($product);
    }

    public function hook(): void
    {
        add_filter('pre_set_site_transient_update_plugins', [$this, 'filterTransient']);
        add_filter('plugins_api', [$this, 'pluginsApi'], 10, 3);
        $uri = get_file_data($this->file, ['UpdateURI' => 'Update URI'])['UpdateURI'];
        $host = $uri !== '' ? wp_parse_url($uri, PHP_URL_HOST) : null;
        if (is_string($host) && $host !== '' && version_compare(get_bloginfo('version'), '5.8', '>=')) {
            add_filter('update_plugins_' . $host, [$this, 'updateUri'], 10, 3);
        }
    }

    /** The version in the plugin's header now (an update may have replaced it in this request), or null once deleted. */
    private function installedVersion(): ?string
    {
        return is_file($this->file) ? (string) get_file_data($this->file, ['Version' => 'Version'])['Version'] : null;
    }

    /** @param object|false $transient */
    public function filterTransient($transient)
    {
        if (!is_object($transient)) {
            return $transient;
        }
        $installed = $this->installedVersion();
        $answer = $installed === null ? null : $this->check->answer($installed, isset($transient->last_checked) ? (int) $transient->last_checked : null);
        if ($answer === null) {
            return $transient;
        }
        $item = $this->item($answer, $installed);
        $basename = $this->product->basename;
        unset($transient->response[$basename], $transient->no_update[$basename]);
        if (UpdateCheck::isNewer($answer, $installed)) {
            $transient->response[$basename] = $item;
        } else {
            $transient->no_update[$basename] = $item;
        }
        return $transient;
    }

    /** update_plugins_{hostname}: WordPress files the answer under response or no_update by its version. */
    public function updateUri($update, $pluginData, $pluginFile)
    {
        if ($pluginFile !== $this->product->basename) {
            return $update;
        }
        $installed = $this->installedVersion();
        $answer = $installed === null ? null : $this->check->answer($installed);
        return $answer === null ? $update : (array) $this->item($answer, $installed);
    }

    /** @param false|object|array $result */
    public function pluginsApi($result, $action, $args)
    {
        if ($action !== 'plugin_information' || !is_object($args) || ($args->slug ?? null) !== $this->product->slug) {
            return $result;
        }
        $installed = $this->installedVersion();
        $answer = $installed === null ? null : $this->check->answer($installed);
        if ($answer === null) {
            return $result;
        }
        $item = $this->item($answer, $installed);
        return (object) [
            'name' => (string) $this->product->config['name'],
            'slug' => $this->product->slug,
            'version' => $item->new_version,
            'requires' => $item->requires,
            'tested' => $item->tested,
            'requires_php' => $item->requires_php,
            'last_updated' => (string) ($answer['releasedAt'] ?? ''),
            'download_link' => $item->package,
            // The update check's changelog is already HTML the service made safe (docs/releases.md): not escaped again.
            'sections' => ['changelog' => wp_kses_post((string) ($answer['changelog'] ?? ''))],
        ];
    }

    private function item(array $answer, string $installed): object
    {
        $newer = UpdateCheck::isNewer($answer, $installed);
        $item = (object) [
            'id' => $this->product->basename,
            'slug' => $this->product->slug,
            'plugin' => $this->product->basename,
            'version' => $newer ? $answer['version'] : $installed,
            'new_version' => $newer ? $answer['version'] : $installed,
            'url' => (string) ($this->product->config['url'] ?? ''),
            'package' => $newer && is_string($answer['package'] ?? null) ? $answer['package'] : '',
            'tested' => (string) ($answer['testedWp'] ?? ''),
            'requires' => (string) ($answer['requiresWp'] ?? ''),
            'requires_php' => (string) ($answer['requiresPhp'] ?? ''),
            'icons' => [],
            'banners' => [],
            'compatibility' => new \stdClass(),
        ];
        if ($newer && $item->package === '') {
            $item->upgrade_notice = Messages::forCode((string) ($answer['code'] ?? 'UPDATE_NOT_COVERED'));
        }
        return $item;
    }
}
