using System.Globalization;

namespace Licensing.Domain.Billing.AppSumo;

/// <summary>
/// AppSumo's webhook signature: <c>X-Appsumo-Signature</c> = lower-case hex HMAC-SHA256 keyed with the integration's API
/// key over the <c>X-Appsumo-Timestamp</c> header's text followed directly by the raw body (no separator). The timestamp
/// is Unix milliseconds in AppSumo's examples; seconds are accepted too. Older or newer than 300 s is refused.
/// </summary>
public static class AppSumoSignature
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    /// <summary>Timestamps at or above this are milliseconds (it is 5138 AD in seconds, 1973 in milliseconds).</summary>
    private const long MillisecondsFrom = 100_000_000_000;

    public static string Compute(string apiKey, string timestamp, ReadOnlySpan<byte> body) =>
        WebhookSignatures.HexHmac(apiKey, WebhookSignatures.Prefixed(timestamp, body));

    /// <summary>
    /// Whether the headers sign <paramref name="body"/> with <paramref name="apiKey"/> within the tolerance of <paramref name="now"/>; never throws.
    /// </summary>
    public static bool Verify(string apiKey, string? timestamp, ReadOnlySpan<byte> body, string? signature, DateTimeOffset now)
    {
        if (ParseTimestamp(timestamp) is not { } at || (now - at).Duration() > Tolerance) return false;
        return WebhookSignatures.HexHmacMatches(apiKey, WebhookSignatures.Prefixed(timestamp!, body), signature);
    }

    /// <summary>The header's time: 1-16 digits of Unix seconds or milliseconds; null when it is not that.</summary>
    public static DateTimeOffset? ParseTimestamp(string? timestamp)
    {
        if (timestamp is not { Length: >= 1 and <= 16 } || !timestamp.All(char.IsAsciiDigit)) return null;
        var value = long.Parse(timestamp, CultureInfo.InvariantCulture);
        var ms = value >= MillisecondsFrom ? value : value * 1000;
        return ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}
