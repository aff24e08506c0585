using System.Globalization;
using Licensing.Domain.Billing;

namespace Licensing.Functions.Billing.Paddle;

/// <summary>
/// Paddle Billing's <c>Paddle-Signature: ts=&lt;unix&gt;;h1=&lt;hex&gt;[;h1=…]</c>: each <c>h1</c> is a hex HMAC-SHA256 of
/// <c>ts + ":" + raw body</c> with the notification destination's secret (several while a secret rotates); any one that
/// matches verifies, and a signature older than the tolerance does not.
/// </summary>
public static class PaddleSignature
{
    public static bool Verify(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        long? ts = null;
        var candidates = new List<string>();
        foreach (var part in (header ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "ts" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) ts = t;
            else if (key == "h1") candidates.Add(value);
        }
        if (ts is not { } stamp || candidates.Count == 0) return false;
        if (now > DateTimeOffset.FromUnixTimeSeconds(Math.Min(stamp, DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 1)) + tolerance) return false;
        var signed = Signed(stamp, body);
        var ok = false;
        foreach (var candidate in candidates) ok |= WebhookSignatures.HexHmacMatches(secret, signed, candidate);
        return ok;
    }

    /// <summary>The header Paddle puts on <paramref name="body"/> sent at <paramref name="now"/>: <c>ts=&lt;unix&gt;;h1=&lt;hex&gt;</c>.</summary>
    public static string Header(ReadOnlySpan<byte> body, string secret, DateTimeOffset now)
    {
        var stamp = now.ToUnixTimeSeconds();
        return $"ts={stamp.ToString(CultureInfo.InvariantCulture)};h1={WebhookSignatures.HexHmac(secret, Signed(stamp, body))}";
    }

    /// <summary>What is signed: <c>ts + ":" + raw body</c>.</summary>
    private static byte[] Signed(long stamp, ReadOnlySpan<byte> body) => WebhookSignatures.Prefixed(stamp.ToString(CultureInfo.InvariantCulture) + ":", body);
}
