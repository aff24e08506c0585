<?php

namespace Licensing;

/** Unpadded base64url (RFC 4648 §5), strict: only A-Z a-z 0-9 - _ and the canonical text of its bytes. */
final class Base64Url
{
    public static function encode(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }

    /** The bytes, or null for a text that is not unpadded base64url. */
    public static function decode(string $text): ?string
    {
        if (!preg_match('/^[A-Za-z0-9_-]*$/', $text) || strlen($text) % 4 === 1) {
            return null;
        }
        $bytes = base64_decode(strtr($text, '-_', '+/') . str_repeat('=', (4 - strlen($text) % 4) % 4), true);
        return $bytes === false ? null : $bytes;
    }

    /** The bytes when they are exactly $length long and $text is their canonical encoding (docs/license-keys.md step 3). */
    public static function decodeCanonical(string $text, int $length): ?string
    {
        $bytes = self::decode($text);
        return $bytes !== null && strlen($bytes) === $length && self::encode($bytes) === $text ? $bytes : null;
    }
}
