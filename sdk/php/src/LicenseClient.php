<?php

namespace Licensing;

use Licensing\Http\CurlTransport;
use Licensing\Http\Response;
use Licensing\Http\StreamTransport;
use Licensing\Http\Transport;
use Licensing\Http\TransportException;

/**
 * The client: check the key offline, ask the server, keep the signed certificate, ask again after revalidateAfter
 * (plus jitter, so a fleet does not ask at the same second), and when the server cannot be reached keep the last
 * verdict until the certificate expires. 5xx, 429 and network faults never become "unlicensed".
 */
final class LicenseClient
{
    /** @var string */
    private $baseUrl;
    /** @var list<array<string, mixed>> */
    private $roots;
    /** @var Storage */
    private $storage;
    /** @var Transport */
    private $transport;
    /** @var callable(): int */
    private $now;
    /** @var string|null */
    private $productId;
    /** @var int */
    private $clockTolerance;
    /** @var int */
    private $jitter;
    /** @var LicenseState|null */
    private $current;

    /**
     * @param array{baseUrl: string, jwks: string|array, storage?: Storage, transport?: Transport, productId?: string,
     *     now?: callable, clockToleranceSeconds?: int, revalidateJitterSeconds?: int} $options
     *     jwks: GET /v1/keys as JSON text, decoded array, or the path of a .json file shipped with the product.
     */
    public function __construct(array $options)
    {
        $jwks = $options['jwks'];
        if (is_string($jwks) && substr($jwks, -5) === '.json' && is_file($jwks)) {
            $jwks = (string) file_get_contents($jwks);
        }
        $this->roots = Offline::parseJwks($jwks, true);
        $this->baseUrl = rtrim($options['baseUrl'], '/') . '/';
        $this->storage = $options['storage'] ?? new MemoryStorage();
        $this->transport = $options['transport'] ?? (function_exists('curl_init') ? new CurlTransport() : new StreamTransport());
        $this->now = $options['now'] ?? 'time';
        $this->productId = $options['productId'] ?? null;
        $this->clockTolerance = $options['clockToleranceSeconds'] ?? 600;
        $this->jitter = $options['revalidateJitterSeconds'] ?? 3600;
    }

    public function current(): ?LicenseState
    {
        return $this->current;
    }

    public function hasFeature(string $feature): bool
    {
        return $this->current !== null && $this->current->hasFeature($feature);
    }

    /** The offline key check against the pinned root keys: account and license ids, or null. */
    public function verifyKey(string $key): ?array
    {
        return Offline::verifyKey($key, $this->roots);
    }

    /** The periodic entry point: the stored certificate until it is due for re-validation, else the server. */
    public function check(string $key, ?string $domain = null, ?string $fingerprint = null): LicenseState
    {
        if ($tampered = $this->tampered()) {
            return $this->current = $tampered;
        }
        $cert = $this->stored($key, $domain, $fingerprint);
        if ($cert !== null && $this->now() < $this->revalidateAt($cert)) {
            return $this->current = new LicenseState(true, 'VALID', 'certificate still fresh', $cert);
        }
        return $this->validate($key, $domain, $fingerprint);
    }

    /**
     * The stored verdict without any request: VALID from a stored certificate that verifies now for this key and
     * domain or fingerprint (whether or not it is due for re-validation), CLOCK_TAMPERED, or null.
     */
    public function cached(string $key, ?string $domain = null, ?string $fingerprint = null): ?LicenseState
    {
        if ($tampered = $this->tampered()) {
            return $tampered;
        }
        $cert = $this->stored($key, $domain, $fingerprint);
        return $cert === null ? null : new LicenseState(true, 'VALID', 'stored certificate', $cert);
    }

    /** When check() will next ask the server (Unix seconds): revalidateAfter plus this client's jitter; null without a certificate. */
    public function nextRevalidation(): ?int
    {
        $token = $this->storage->get('certificate');
        $cert = $token === null ? null : Offline::verifyCertificate($token, $this->roots, $this->now(), 0);
        return $cert === null ? null : $this->revalidateAt($cert);
    }

    /** @param list<string>|null $features */
    public function validate(string $key, ?string $domain = null, ?string $fingerprint = null, ?array $features = null): LicenseState
    {
        if (Offline::isSignedKey($key) && $this->verifyKey($key) === null) {
            return $this->current = $this->remember(new LicenseState(false, 'NOT_FOUND', 'license key not recognised'));
        }
        if ($tampered = $this->tampered()) {
            return $this->current = $tampered;
        }
        $body = ['key' => $key] + array_filter(['domain' => $domain, 'fingerprint' => $fingerprint, 'features' => $features, 'productId' => $this->productId]);
        return $this->current = $this->send('v1/validate', $body, $key, $domain, $fingerprint);
    }

    public function activate(string $key, ?string $domain = null, ?string $fingerprint = null, ?string $name = null): LicenseState
    {
        $body = ['key' => $key] + array_filter(['domain' => $domain, 'fingerprint' => $fingerprint, 'name' => $name]);
        return $this->current = $this->send('v1/activate', $body, $key, $domain, $fingerprint);
    }

    /** Frees this site's or machine's slot; true when the server confirmed. The stored certificate is dropped. */
    public function deactivate(string $key, ?string $domain = null, ?string $fingerprint = null): bool
    {
        $response = $this->post('v1/deactivate', ['key' => $key] + array_filter(['domain' => $domain, 'fingerprint' => $fingerprint]));
        $json = $response !== null && $response->status === 200 ? $response->json() : null;
        if ($json === null || ($json['deactivated'] ?? false) !== true) {
            return false;
        }
        $this->forget();
        return true;
    }

    /**
     * POST /v1/updates/check: the answer as the server gives it (updateAvailable, version, package, code, ...), or
     * null when the service could not be reached or refused the request.
     */
    public function checkForUpdate(string $key, string $version, ?string $domain = null, ?string $fingerprint = null, ?string $channel = null): ?array
    {
        $body = ['key' => $key, 'version' => $version] + array_filter(['domain' => $domain, 'fingerprint' => $fingerprint, 'channel' => $channel]);
        $response = $this->post('v1/updates/check', $body);
        return $response !== null && $response->status === 200 ? $response->json() : null;
    }

    /** Drops the certificate and verdict (deactivation, uninstall). The clock guard's high-water mark stays. */
    public function forget(): void
    {
        foreach (['certificate', 'certificate-for', 'certificate-key', 'revalidate-at'] as $name) {
            $this->storage->set($name, null);
        }
        $this->current = null;
    }

    private function now(): int
    {
        return (int) call_user_func($this->now);
    }

    private function revalidateAt(array $cert): int
    {
        $at = $this->storage->get('revalidate-at');
        return $at !== null && (int) $at >= $cert['rva'] ? (int) $at : (int) $cert['rva'];
    }

    private function tampered(): ?LicenseState
    {
        $last = (int) $this->storage->get('last-seen');
        if ($last > 0 && $this->now() < $last - $this->clockTolerance) {
            return new LicenseState(false, 'CLOCK_TAMPERED', 'the clock is before ' . gmdate('Y-m-d\TH:i:s\Z', $last) . ', the newest certificate seen');
        }
        return null;
    }

    private static function context(?string $domain, ?string $fingerprint): string
    {
        return 'domain=' . $domain . "\nfingerprint=" . $fingerprint;
    }

    private function stored(string $key, ?string $domain, ?string $fingerprint): ?array
    {
        $token = $this->storage->get('certificate');
        $cert = $token === null ? null : Offline::verifyCertificate($token, $this->roots, $this->now(), 0);
        if ($cert === null || !$this->names($key, $cert, false) || !is_int($cert['rva'] ?? null)) {
            return null;
        }
        return $this->storage->get('certificate-for') === self::context($domain, $fingerprint) ? $cert : null;
    }

    /**
     * Whether the certificate answers for this key: a signed key names its license (checked offline); any other key (a
     * short key, which only the server can check) is bound to the certificate the server gave for it.
     */
    private function names(string $key, array $cert, bool $fresh): bool
    {
        if (Offline::isSignedKey($key)) {
            $ids = $this->verifyKey($key);
            return $ids !== null && ($cert['sub'] ?? null) === $ids['licenseId'];
        }
        return $fresh || $this->storage->get('certificate-key') === hash('sha256', $key);
    }

    private function remember(LicenseState $state, ?string $domain = null, ?string $fingerprint = null): LicenseState
    {
        $cert = $state->certificate;
        $this->storage->set('certificate', $cert['token'] ?? null);
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

    private function keepLast(string $key, ?string $domain, ?string $fingerprint, string $why): LicenseState
    {
        $cert = $this->stored($key, $domain, $fingerprint);
        if ($cert !== null) {
            return new LicenseState(true, 'VALID', $why . '; using the stored certificate until ' . gmdate('Y-m-d\TH:i:s\Z', $cert['exp']), $cert, true);
        }
        return $this->storage->get('certificate') !== null
            ? new LicenseState(false, 'CERTIFICATE_EXPIRED', $why . "; the stored certificate's offline grace has ended", null, true)
            : new LicenseState(false, 'UNREACHABLE', $why . '; no certificate yet', null, true);
    }

    private function send(string $path, array $body, string $key, ?string $domain, ?string $fingerprint): LicenseState
    {
        try {
            $response = $this->request($path, $body);
        } catch (TransportException $e) {
            return $this->keepLast($key, $domain, $fingerprint, 'the licensing service could not be reached: ' . $e->getMessage());
        }
        if ($response->status >= 500 || $response->status === 429) {
            return $this->keepLast($key, $domain, $fingerprint, 'the licensing service answered ' . $response->status);
        }
        $json = $response->json() ?? [];
        if ($response->status !== 200) {
            return new LicenseState(false, (string) ($json['code'] ?? $response->status), (string) ($json['detail'] ?? 'request refused'));
        }
        $code = (string) ($json['code'] ?? 'UNKNOWN');
        if ($code !== 'VALID') {
            return $this->remember(new LicenseState(false, $code, (string) ($json['detail'] ?? $code)), $domain, $fingerprint);
        }
        $cert = Offline::verifyCertificate($json['certificate'] ?? null, $this->roots, $this->now());
        if ($cert === null || !$this->names($key, $cert, true) || !is_int($cert['rva'] ?? null)) {
            return new LicenseState(false, 'CERTIFICATE_INVALID', "the server's certificate did not verify against the pinned keys");
        }
        $this->storage->set('certificate-key', hash('sha256', $key));
        return $this->remember(new LicenseState(true, 'VALID', (string) ($json['detail'] ?? 'license is valid'), $cert), $domain, $fingerprint);
    }

    private function request(string $path, array $body): Response
    {
        $headers = ['Content-Type' => 'application/json', 'Accept' => 'application/json'];
        return $this->transport->send('POST', $this->baseUrl . $path, $headers, (string) json_encode($body));
    }

    private function post(string $path, array $body): ?Response
    {
        try {
            return $this->request($path, $body);
        } catch (TransportException $e) {
            return null;
        }
    }
}
