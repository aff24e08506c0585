<?php

namespace Licensing\WordPress;

/**
 * POST /v1/updates/check for the installed version, cached in a site transient so page loads and WordPress's repeated
 * writes of its update transient cost no request. Asks again for: a new WordPress update check (the `last_checked` of
 * the transient being written is more than a minute after the cached answer: one check writes it twice, at its start
 * and at its end), "Check again" (force-check, once per request), a verdict change, a new installed version; else the
 * answer is kept up to 12 hours. On a network the main site's license speaks.
 */
final class UpdateCheck
{
    /** How far apart WordPress's writes of one update check may be. */
    private const SAME_CHECK_SECONDS = 60;

    /** @var array<string, true> the caches already refreshed by force-check in this request */
    private static $forced = [];

    /** @var LicensedProduct */
    private $product;

    public function __construct(LicensedProduct $product)
    {
        $this->product = $product;
    }

    /**
     * The server's answer for $installedVersion, or null (no key, or the service could not be reached).
     * $checkedAt: the `last_checked` of the update transient being written, when there is one.
     */
    public function answer(string $installedVersion, ?int $checkedAt = null): ?array
    {
        $switched = is_multisite() && !is_main_site();
        if ($switched) {
            switch_to_blog(get_main_site_id());
        }
        try {
            return $this->ask($installedVersion, $checkedAt);
        } finally {
            if ($switched) {
                restore_current_blog();
            }
        }
    }

    private function ask(string $installedVersion, ?int $checkedAt): ?array
    {
        $key = $this->product->key();
        if ($key === '') {
            return null;
        }
        $transient = $this->product->prefix . 'update';
        $for = hash('sha256', implode("\n", [$key, $installedVersion, $this->product->config['channel'], $this->product->domain()]));
        $cached = get_site_transient($transient);
        $fresh = is_array($cached) && ($cached['for'] ?? null) === $for
            && ($checkedAt === null || $checkedAt <= (int) ($cached['at'] ?? 0) + self::SAME_CHECK_SECONDS);
        $force = !empty($_GET['force-check']) && !isset(self::$forced[$transient]);
        if ($fresh && !$force) {
            return $cached['answer'];
        }
        self::$forced[$transient] = true;
        $answer = $this->product->client()->checkForUpdate($key, $installedVersion, $this->product->domain(), null, $this->product->config['channel']);
        // An unreachable service is asked again after an hour at the soonest, not at every write of WordPress's transient.
        set_site_transient($transient, ['for' => $for, 'at' => time(), 'answer' => $answer], $answer === null ? HOUR_IN_SECONDS : 12 * HOUR_IN_SECONDS);
        return $answer;
    }

    /** True when $answer offers a version newer than $installedVersion. */
    public static function isNewer(array $answer, string $installedVersion): bool
    {
        return !empty($answer['updateAvailable']) && is_string($answer['version'] ?? null) && version_compare($answer['version'], $installedVersion, '>');
    }
}
