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
    /** @var CertificateStore */
    private $store;
    /** @var Transport */
    private $transport;
    /** @var string|null */
    private $productId;
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
        $this->store = new CertificateStore($options['storage'] ?? new MemoryStorage(), $this->roots, $options['now'] ?? 'time',
            $options['clockToleranceSeconds'] ?? 600, $options['revalidateJitterSeconds'] ?? 3600);
        $this->transport = $options['transport'] ?? (function_exists('curl_init') ? new CurlTransport() : new StreamTransport());
        $this->productId = $options['productId'] ?? null;
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
        if ($tampered = $this->store->tampered()) {
            return $this->current = $tampered;
        }
        $cert = $this->stored($key, $domain, $fingerprint);
        if ($cert !== null && $this->store->now() < $this->store->revalidateAt($cert)) {
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
        if ($tampered = $this->store->tampered()) {
            return $tampered;
        }
        $cert = $this->stored($key, $domain, $fingerprint);
        return $cert === null ? null : new LicenseState(true, 'VALID', 'stored certificate', $cert);
    }

    /** When check() will next ask the server (Unix seconds): revalidateAfter plus this client's jitter; null without a certificate. */
    public function nextRevalidation(): ?int
    {
        $cert = $this->store->certificate();
        return $cert === null ? null : $this->store->revalidateAt($cert);
    }

    /** @param list<string>|null $features */
    public function validate(string $key, ?string $domain = null, ?string $fingerprint = null, ?array $features = null): LicenseState
    {
        if (Offline::isSignedKey($key) && $this->verifyKey($key) === null) {
            return $this->current = $this->store->remember(new LicenseState(false, 'NOT_FOUND', 'license key not recognised'));
        }
        if ($tampered = $this->store->tampered()) {
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
        $this->store->forget();
        $this->current = null;
    }

    /** The stored certificate when it verifies now for this key and this domain or fingerprint. */
    private function stored(string $key, ?string $domain, ?string $fingerprint): ?array
    {
        return $this->store->certificateFor($key, $this->verifyKey($key), $domain, $fingerprint);
    }

    private function keepLast(string $key, ?string $domain, ?string $fingerprint, string $why): LicenseState
    {
        $cert = $this->stored($key, $domain, $fingerprint);
        if ($cert !== null) {
            return new LicenseState(true, 'VALID', $why . '; using the stored certificate until ' . gmdate('Y-m-d\TH:i:s\Z', $cert['exp']), $cert, true);
        }
        return $this->store->has()
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
            return $this->store->remember(new LicenseState(false, $code, (string) ($json['detail'] ?? $code)), $domain, $fingerprint);
        }
        $cert = Offline::verifyCertificate($json['certificate'] ?? null, $this->roots, $this->store->now());
        if (!$this->store->isFor($cert, $key, $this->verifyKey($key), true)) {
            return new LicenseState(false, 'CERTIFICATE_INVALID', "the server's certificate did not verify against the pinned keys");
        }
        return $this->store->remember(new LicenseState(true, 'VALID', (string) ($json['detail'] ?? 'license is valid'), $cert), $domain, $fingerprint, $key);
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
