<?php

namespace Licensing;

/**
 * The offline checks of docs/license-keys.md and docs/certificates.md: license keys against root keys only, and
 * certificates through their delegation chain against root keys only. ECDSA P-256 / SHA-256 with ext-openssl.
 */
final class Offline
{
    /** Every delegated kid starts with this; no root kid does. */
    public const DELEGATED_KID_PREFIX = 'dlg-';

    private const HALF_ORDER = '7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8';
    private const P256_SPKI_PREFIX = '3059301306072a8648ce3d020106082a8648ce3d030107034200';

    /**
     * The EC P-256 ES256 keys of a JWKS (GET /v1/keys, as JSON text or decoded array), root and delegated;
     * $rootOnly keeps the root keys (step 1 of the offline check).
     *
     * @param string|array<string, mixed> $jwks
     * @return list<array<string, mixed>>
     */
    public static function parseJwks($jwks, bool $rootOnly = false): array
    {
        $doc = is_string($jwks) ? json_decode($jwks, true) : $jwks;
        $keys = [];
        foreach (is_array($doc) && isset($doc['keys']) && is_array($doc['keys']) ? $doc['keys'] : [] as $k) {
            if (is_array($k) && ($k['kty'] ?? null) === 'EC' && ($k['crv'] ?? null) === 'P-256' && (($k['alg'] ?? 'ES256') === 'ES256')
                && is_string($k['kid'] ?? null) && is_string($k['x'] ?? null) && is_string($k['y'] ?? null)) {
                $keys[] = $k;
            }
        }
        return $rootOnly ? self::rootKeys($keys) : $keys;
    }

    /** A delegated key: a `dlg` member or a kid in the delegated namespace. Never a root key. */
    public static function isDelegated(array $jwk): bool
    {
        return array_key_exists('dlg', $jwk) || !is_string($jwk['kid'] ?? null) || strpos($jwk['kid'], self::DELEGATED_KID_PREFIX) === 0;
    }

    /**
     * The root keys of a set: not delegated, less any kid listed more than once (which one is genuine cannot be told).
     *
     * @param list<array<string, mixed>> $keys
     * @return list<array<string, mixed>>
     */
    public static function rootKeys(array $keys): array
    {
        $count = [];
        foreach ($keys as $k) {
            $kid = is_string($k['kid'] ?? null) ? $k['kid'] : '';
            $count[$kid] = ($count[$kid] ?? 0) + 1;
        }
        return array_values(array_filter($keys, static function (array $k) use ($count): bool {
            return !self::isDelegated($k) && $count[$k['kid']] === 1;
        }));
    }

    /**
     * Whether the key is a signed key (LK1.…), the only kind checked offline. A short key (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)
     * carries a MAC only the server can check: it is sent to the server, and offline trust rests on its certificate.
     */
    public static function isSignedKey(?string $key): bool
    {
        return is_string($key) && strncmp($key, 'LK1.', 4) === 0;
    }

    /**
     * docs/license-keys.md: ['accountId' => 'acct_…', 'licenseId' => 'lic_…'] for a key signed by a root key of
     * $keys, else null. No network.
     *
     * @param list<array<string, mixed>> $keys
     * @return array{accountId: string, licenseId: string}|null
     */
    public static function verifyKey($key, array $keys): ?array
    {
        if (!is_string($key) || !self::isSignedKey($key) || strlen($key) !== 127 || $key[40] !== '.') {
            return null;
        }
        $payload = Base64Url::decodeCanonical(substr($key, 4, 36), 27);
        $signature = Base64Url::decodeCanonical(substr($key, 41), 64);
        if ($payload === null || $signature === null || ord($payload[0]) !== 1 || !self::isLowS($signature)) {
            return null;
        }
        $input = substr($key, 0, 40);
        foreach (self::rootKeys($keys) as $jwk) {
            if (substr(hash('sha256', $jwk['kid'], true), 0, 6) !== substr($payload, 1, 6)) {
                continue;
            }
            if (self::verifyWith($jwk, $input, $signature)) {
                return ['accountId' => 'acct_' . bin2hex(substr($payload, 7, 8)), 'licenseId' => 'lic_' . bin2hex(substr($payload, 15, 12))];
            }
        }
        return null;
    }

    /**
     * docs/certificates.md: the delegated JWK a delegation certifies, or null. An ES256 JWS of type dlg+jwt, signed
     * (low S) by the root key of $keys its header names, issued by urn:licensing, whose `jwk` is the P-256 key of
     * its `sub`, valid at $now (Unix seconds) give or take $skewSeconds.
     *
     * @param list<array<string, mixed>> $keys
     */
    public static function verifyDelegation($delegation, array $keys, ?int $now = null, int $skewSeconds = 300): ?array
    {
        $now = $now ?? time();
        $dlg = self::parseJws($delegation);
        if ($dlg === null || ($dlg['header']['alg'] ?? null) !== 'ES256' || ($dlg['header']['typ'] ?? null) !== 'dlg+jwt') {
            return null;
        }
        $root = null;
        foreach (self::rootKeys($keys) as $k) {
            if ($k['kid'] === ($dlg['header']['kid'] ?? null)) {
                $root = $k;
            }
        }
        if ($root === null || !self::isLowS($dlg['signature']) || !self::verifyWith($root, $dlg['input'], $dlg['signature'])) {
            return null;
        }
        $c = $dlg['claims'];
        $jwk = $c['jwk'] ?? null;
        $sub = $c['sub'] ?? null;
        if (($c['iss'] ?? null) !== 'urn:licensing' || !is_string($sub) || !is_array($jwk)) {
            return null;
        }
        if (($jwk['kty'] ?? null) !== 'EC' || ($jwk['crv'] ?? null) !== 'P-256' || ($jwk['kid'] ?? null) !== $sub
            || !is_string($jwk['x'] ?? null) || !is_string($jwk['y'] ?? null)) {
            return null;
        }
        if (!self::withinLifetime($c, $now, $skewSeconds)) {
            return null;
        }
        return ['kty' => 'EC', 'crv' => 'P-256', 'x' => $jwk['x'], 'y' => $jwk['y'], 'kid' => $sub, 'alg' => 'ES256', 'use' => 'sig', 'dlg' => $delegation];
    }

    /**
     * docs/certificates.md: verifies the delegation (header `dlg`) with a root key of $keys, then the certificate
     * with the delegated key, then its lifetime at $now. Returns the claims plus 'token', or null.
     *
     * @param list<array<string, mixed>> $keys
     */
    public static function verifyCertificate($token, array $keys, ?int $now = null, int $skewSeconds = 300): ?array
    {
        $now = $now ?? time();
        $cert = self::parseJws($token);
        if ($cert === null || ($cert['header']['alg'] ?? null) !== 'ES256') {
            return null;
        }
        $delegated = self::verifyDelegation($cert['header']['dlg'] ?? null, $keys, $now, $skewSeconds);
        if ($delegated === null || $delegated['kid'] !== ($cert['header']['kid'] ?? null)
            || !self::verifyWith($delegated, $cert['input'], $cert['signature'])) {
            return null;
        }
        if (!self::withinLifetime($cert['claims'], $now, $skewSeconds)) {
            return null;
        }
        return $cert['claims'] + ['token' => $token];
    }

    /** An uncompressed P-256 public key (JWK x, y) as a PEM SubjectPublicKeyInfo for ext-openssl, or null. */
    public static function jwkToPem(array $jwk): ?string
    {
        $x = Base64Url::decode((string) ($jwk['x'] ?? ''));
        $y = Base64Url::decode((string) ($jwk['y'] ?? ''));
        if ($x === null || $y === null || strlen($x) !== 32 || strlen($y) !== 32) {
            return null;
        }
        $der = hex2bin(self::P256_SPKI_PREFIX) . "\x04" . $x . $y;
        return "-----BEGIN PUBLIC KEY-----\n" . chunk_split(base64_encode($der), 64, "\n") . "-----END PUBLIC KEY-----\n";
    }

    /** A raw R‖S ES256 signature (IEEE P1363, 64 bytes) as the DER SEQUENCE { INTEGER r, INTEGER s } openssl_verify takes. */
    public static function rawToDer(string $signature): string
    {
        $integer = static function (string $bytes): string {
            $bytes = ltrim($bytes, "\x00");
            if ($bytes === '' || (ord($bytes[0]) & 0x80) !== 0) {
                $bytes = "\x00" . $bytes;
            }
            return "\x02" . chr(strlen($bytes)) . $bytes;
        };
        $body = $integer(substr($signature, 0, 32)) . $integer(substr($signature, 32, 32));
        return "\x30" . chr(strlen($body)) . $body;
    }

    /** @var array<string, mixed> parsed public keys by PEM (OpenSSL's parse costs more than a verification) */
    private static $parsed = [];

    private static function verifyWith(array $jwk, string $data, string $signature): bool
    {
        $pem = self::jwkToPem($jwk);
        if ($pem !== null && !array_key_exists($pem, self::$parsed)) {
            self::$parsed = array_slice(self::$parsed, -15, null, true) + [$pem => @openssl_pkey_get_public($pem)];
        }
        $key = $pem === null ? false : self::$parsed[$pem];
        if ($key === false) {
            return false; // not a P-256 point: verifies nothing
        }
        return openssl_verify($data, self::rawToDer($signature), $key, OPENSSL_ALGO_SHA256) === 1;
    }

    private static function isLowS(string $signature): bool
    {
        return strcmp(bin2hex(substr($signature, 32, 32)), self::HALF_ORDER) <= 0;
    }

    private static function withinLifetime(array $claims, int $now, int $skew): bool
    {
        $nbf = $claims['nbf'] ?? null;
        $exp = $claims['exp'] ?? null;
        return is_int($nbf) && is_int($exp) && $nbf >= 0 && $exp >= 0 && $nbf <= $now + $skew && $exp >= $now - $skew;
    }

    /** @return array{header: array, claims: array, input: string, signature: string}|null */
    private static function parseJws($token): ?array
    {
        $parts = is_string($token) ? explode('.', $token) : [];
        if (count($parts) !== 3) {
            return null;
        }
        $json = static function (string $part) {
            $bytes = Base64Url::decode($part);
            return $bytes === null ? null : json_decode($bytes, true);
        };
        $header = $json($parts[0]);
        $claims = $json($parts[1]);
        $signature = Base64Url::decode($parts[2]);
        $isObject = static function ($v): bool {
            return is_array($v) && ($v === [] || array_keys($v) !== range(0, count($v) - 1));
        };
        if ($signature === null || strlen($signature) !== 64 || !$isObject($header) || !$isObject($claims)) {
            return null;
        }
        return ['header' => $header, 'claims' => $claims, 'input' => $parts[0] . '.' . $parts[1], 'signature' => $signature];
    }
}
