<?php

namespace Licensing\Tests\Support;

use Licensing\Base64Url;

/** Someone with their own P-256 key: signs low-S ES256 as the server would, and nothing makes it a root key. */
final class Attacker
{
    /** @var \OpenSSLAsymmetricKey|resource */
    private $key;
    /** @var array<string, string> */
    public $jwk;

    public static function create(string $kid): self
    {
        $a = new self();
        $a->key = openssl_pkey_new(['private_key_type' => OPENSSL_KEYTYPE_EC, 'curve_name' => 'prime256v1']);
        $ec = openssl_pkey_get_details($a->key)['ec'];
        $a->jwk = ['kty' => 'EC', 'crv' => 'P-256', 'x' => Base64Url::encode($ec['x']), 'y' => Base64Url::encode($ec['y']), 'kid' => $kid,
            'alg' => 'ES256', 'use' => 'sig'];
        return $a;
    }

    /** Raw R‖S with S in the lower half (signs again until it is: each try has even odds). */
    public function sign(string $input): string
    {
        do {
            openssl_sign($input, $der, $this->key, OPENSSL_ALGO_SHA256);
            $raw = self::derToRaw($der);
        } while (strcmp(bin2hex(substr($raw, 32)), '7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8') > 0);
        return $raw;
    }

    public function jws(array $header, array $claims): string
    {
        $input = Base64Url::encode(json_encode($header)) . '.' . Base64Url::encode(json_encode($claims));
        return $input . '.' . Base64Url::encode($this->sign($input));
    }

    /** The documented key format naming the genuine key's ids, with the attacker's kid hint and signature. */
    public function forgeKey(string $genuine): string
    {
        $payload = Base64Url::decode(substr($genuine, 4, 36));
        $payload = substr_replace($payload, substr(hash('sha256', $this->jwk['kid'], true), 0, 6), 1, 6);
        $input = 'LK1.' . Base64Url::encode($payload);
        return $input . '.' . Base64Url::encode($this->sign($input));
    }

    private static function derToRaw(string $der): string
    {
        $offset = 2;
        $out = '';
        for ($i = 0; $i < 2; $i++) {
            $length = ord($der[$offset + 1]);
            $out .= str_pad(ltrim(substr($der, $offset + 2, $length), "\x00"), 32, "\x00", STR_PAD_LEFT);
            $offset += 2 + $length;
        }
        return $out;
    }
}
