<?php

namespace Licensing;

/**
 * What the client keeps in its Storage between requests: the last signed certificate and the domain or fingerprint it
 * was issued for, when to ask the server again (revalidateAfter plus jitter), and the clock guard's high-water mark
 * (the newest certificate seen; a clock set before it is CLOCK_TAMPERED).
 *
 * @internal used by LicenseClient
 */
final class CertificateStore
{
    /** Every name kept in the Storage (an uninstall removes them all). */
    public const NAMES = ['certificate', 'certificate-for', 'certificate-key', 'revalidate-at', 'last-seen'];

    /** @var Storage */
    private $storage;
    /** @var list<array<string, mixed>> */
    private $roots;
    /** @var callable(): int */
    private $now;
    /** @var int */
    private $clockTolerance;
    /** @var int */
    private $jitter;

    /** @param list<array<string, mixed>> $roots the pinned root keys */
    public function __construct(Storage $storage, array $roots, callable $now, int $clockTolerance, int $jitter)
    {
        $this->storage = $storage;
        $this->roots = $roots;
        $this->now = $now;
        $this->clockTolerance = $clockTolerance;
        $this->jitter = $jitter;
    }

    public function now(): int
    {
        return (int) call_user_func($this->now);
    }

    /**
     * True when the certificate verified and answers for this key: a signed key names its license ($ids:
     * Offline::verifyKey's answer); any other key (a short key, which only the server can check) is bound to the
     * certificate the server gave for it ($fresh: just given; else the key kept beside the stored certificate).
     */
    public function isFor(?array $cert, string $key, ?array $ids, bool $fresh): bool
    {
        if ($cert === null || !is_int($cert['rva'] ?? null)) {
            return false;
        }
        if (Offline::isSignedKey($key)) {
            return $ids !== null && ($cert['sub'] ?? null) === $ids['licenseId'];
        }
        return $fresh || $this->storage->get('certificate-key') === hash('sha256', $key);
    }

    /** CLOCK_TAMPERED when the clock is before the newest certificate seen (beyond the tolerance), else null. */
    public function tampered(): ?LicenseState
    {
        $last = (int) $this->storage->get('last-seen');
        if ($last > 0 && $this->now() < $last - $this->clockTolerance) {
            return new LicenseState(false, 'CLOCK_TAMPERED', 'the clock is before ' . gmdate('Y-m-d\TH:i:s\Z', $last) . ', the newest certificate seen');
        }
        return null;
    }

    /** Whether a certificate is stored at all, verified or not. */
    public function has(): bool
    {
        return $this->storage->get('certificate') !== null;
    }

    /** The stored certificate when it verifies now against the pinned keys, whatever it was issued for; else null. */
    public function certificate(): ?array
    {
        $token = $this->storage->get('certificate');
        return $token === null ? null : Offline::verifyCertificate($token, $this->roots, $this->now(), 0);
    }

    /** The stored certificate when it verifies now and was issued for this license and this domain or fingerprint; else null. */
    public function certificateFor(string $key, ?array $ids, ?string $domain, ?string $fingerprint): ?array
    {
        $cert = $this->certificate();
        if (!$this->isFor($cert, $key, $ids, false)) {
            return null;
        }
        return $this->storage->get('certificate-for') === self::context($domain, $fingerprint) ? $cert : null;
    }

    /** When to ask the server again (Unix seconds): the certificate's revalidateAfter plus the jitter drawn when it was stored. */
    public function revalidateAt(array $cert): int
    {
        $at = $this->storage->get('revalidate-at');
        return $at !== null && (int) $at >= $cert['rva'] ? (int) $at : (int) $cert['rva'];
    }

    /**
     * Keeps the verdict's certificate (none: the stored one is dropped) with the key it answers for (as a hash), and
     * moves the clock guard's mark forward.
     */
    public function remember(LicenseState $state, ?string $domain = null, ?string $fingerprint = null, ?string $key = null): LicenseState
    {
        $cert = $state->certificate;
        $this->storage->set('certificate', $cert['token'] ?? null);
        $this->storage->set('certificate-key', $cert !== null && $key !== null ? hash('sha256', $key) : null);
        if ($cert !== null) {
            $this->storage->set('certificate-for', self::context($domain, $fingerprint));
            $spread = max(0, min($this->jitter, intdiv(max(0, $cert['exp'] - $cert['rva']), 2)));
            $this->storage->set('revalidate-at', (string) ($cert['rva'] + random_int(0, $spread)));
        }
        $seen = $cert !== null ? (int) $cert['iat'] : $this->now();
        if ((int) $this->storage->get('last-seen') < $seen) {
            $this->storage->set('last-seen', (string) $seen);
        }
        return $state;
    }

    /** Drops the certificate; the clock guard's high-water mark stays. */
    public function forget(): void
    {
        foreach (['certificate', 'certificate-for', 'certificate-key', 'revalidate-at'] as $name) {
            $this->storage->set($name, null);
        }
    }

    private static function context(?string $domain, ?string $fingerprint): string
    {
        return 'domain=' . $domain . "\nfingerprint=" . $fingerprint;
    }
}
