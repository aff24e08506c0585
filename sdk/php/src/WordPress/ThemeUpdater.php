<?php

namespace Licensing\WordPress;

/** Licensed theme updates through pre_set_site_transient_update_themes (`response` or `no_update`). */
final class ThemeUpdater
{
    /** @var LicensedProduct */
    private $product;
    /** @var UpdateCheck */
    private $check;

    public function __construct(LicensedProduct $product)
    {
        $this->product = $product;
        $this->check = new UpdateCheck($product);
    }

    public function hook(): void
    {
        add_filter('pre_set_site_transient_update_themes', [$this, 'filterTransient']);
    }

    /** @param object|false $transient */
    public function filterTransient($transient)
    {
        if (!is_object($transient)) {
            return $transient;
        }
        $stylesheet = $this->product->slug;
        $installed = (string) wp_get_theme($stylesheet)->get('Version');
        $answer = $this->check->answer($installed, isset($transient->last_checked) ? (int) $transient->last_checked : null);
        if ($answer === null) {
            return $transient;
        }
        $newer = UpdateCheck::isNewer($answer, $installed);
        $item = [
            'theme' => $stylesheet,
            'new_version' => $newer ? $answer['version'] : $installed,
            'url' => (string) ($this->product->config['url'] ?? ''),
            'package' => $newer && is_string($answer['package'] ?? null) ? $answer['package'] : '',
            'requires' => (string) ($answer['requiresWp'] ?? ''),
            'requires_php' => (string) ($answer['requiresPhp'] ?? ''),
        ];
        unset($transient->response[$stylesheet], $transient->no_update[$stylesheet]);
        if ($newer) {
            $transient->response[$stylesheet] = $item;
        } else {
            $transient->no_update[$stylesheet] = $item;
        }
        return $transient;
    }
}
