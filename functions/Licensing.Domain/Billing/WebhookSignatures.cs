using System.Security.Cryptography;
using System.Text;

namespace Licensing.Domain.Billing;

/// <summary>The HMAC checks of providers that sign webhooks with a shared secret, compared in constant time.</summary>
public static class WebhookSignatures
{
    /// <summary>Lowercase hex HMAC-SHA256 of <paramref name="message"/> with the UTF-8 bytes of <paramref name="secret"/>.</summary>
    public static string HexHmac(string secret, ReadOnlySpan<byte> message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));

    /// <summary>Whether <paramref name="candidate"/> (hex, either case) is the HMAC-SHA256 of the message; never throws on malformed input.</summary>
    public static bool HexHmacMatches(string secret, ReadOnlySpan<byte> message, string? candidate)
    {
        if (candidate is not { Length: 64 }) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(candidate);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message), given);
    }

    /// <summary>The UTF-8 bytes of <paramref name="prefix"/> followed directly by <paramref name="body"/>: what a timestamped signature signs.</summary>
    public static byte[] Prefixed(string prefix, ReadOnlySpan<byte> body)
    {
        var message = new byte[Encoding.UTF8.GetByteCount(prefix) + body.Length];
        body.CopyTo(message.AsSpan(Encoding.UTF8.GetBytes(prefix, message)));
        return message;
    }

    /// <summary>Constant-time equality of two strings' UTF-8 bytes (URL secrets, seller ids).</summary>
    public static bool SameText(string? a, string? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Lowercase hex SHA-256 of a secret's UTF-8 bytes: what is stored of a secret that is only ever compared (as for bearer tokens).</summary>
    public static string Hash(string secret) => Accounts.BearerTokens.Hash(secret);
}
