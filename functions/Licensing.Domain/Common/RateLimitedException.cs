namespace Licensing.Domain.Common;

/// <summary>Too many requests for one key or one client address: 429 RATE_LIMITED with Retry-After.</summary>
public sealed class RateLimitedException(string detail, TimeSpan retryAfter) : LicensingException(detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
