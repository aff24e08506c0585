<?php

namespace Licensing\WordPress;

/**
 * POST /v1/updates/check for the installed version, cached in a site transient (12 hours, like WordPress's own check)
 * so neither page loads nor WordPress's repeated transient writes cost a request. A verdict change, a new installed
 * version or WordPress's "Check again" (force-check) asks again. On a network the main site's license speaks.
 */
final class UpdateCheck
{
    /** @var LicensedProduct */
    private $product;

    public function __construct(LicensedProduct $product)
    {
        $this->product = $product;
    }

    /** The server's answer for $installedVersion, or null (no key, or the service could not be reached). */
    public function answer(string $installedVersion): ?array
    {
        $switched = is_multisite() && !is_main_site();
        if ($switched) {
            switch_to_blog(get_main_site_id());
        }
        try {
            return $this->ask($installedVersion);
        } finally {
            if ($switched) {
                restore_current_blog();
            }
        }
    }

    private function ask(string $installedVersion): ?array
    {
        $key = $this->product->key();
        if ($key === '') {
            return null;
        }
        $transient = $this->product->prefix . 'update';
        $for = hash('sha256', implode("\n", [$key, $installedVersion, $this->product->config['channel'], $this->product->domain()]));
        $cached = get_site_transient($transient);
        if (is_array($cached) && ($cached['for'] ?? null) === $for && empty($_GET['force-check'])) {
            return $cached['answer'];
        }
        $answer = $this->product->client()->checkForUpdate($key, $installedVersion, $this->product->domain(), null, $this->product->config['channel']);
        if ($answer !== null) {
            set_site_transient($transient, ['for' => $for, 'answer' => $answer], 12 * HOUR_IN_SECONDS);
        }
        return $answer;
    }

    /** True when $answer offers a version newer than $installedVersion. */
    public static function isNewer(array $answer, string $installedVersion): bool
    {
        return !empty($answer['updateAvailable']) && is_string($answer['version'] ?? null) && version_compare($answer['version'], $installedVersion, '>');
    }
}
