using System.Collections.Concurrent;

namespace Licensing.Domain.Common;

/// <summary>Too many requests for one key or one client address: 429 RATE_LIMITED with Retry-After.</summary>
public sealed class RateLimitedException(string detail, TimeSpan retryAfter) : LicensingException(detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Token buckets keyed by a string (a license id, a client address), in memory per instance. A bucket holds
/// <paramref name="burst"/> tokens and refills at <paramref name="perSecond"/>; idle full buckets are dropped.
/// </summary>
public sealed class TokenBuckets(TimeProvider clock, double burst, double perSecond)
{
    private const int SweepEvery = 4096;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private int _calls;

    public int Count => _buckets.Count;

    public bool TryTake(string key, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        if (Interlocked.Increment(ref _calls) % SweepEvery == 0) Sweep(now);
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(burst, now));
        lock (bucket)
        {
            bucket.Tokens = Math.Min(burst, bucket.Tokens + (now - bucket.At).TotalSeconds * perSecond);
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - bucket.Tokens) / perSecond)));
            return false;
        }
    }

    /// <summary>Whether <see cref="TryTake"/> would succeed now, without taking a token.</summary>
    public bool CanTake(string key, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_buckets.TryGetValue(key, out var bucket)) return true;
        lock (bucket)
        {
            var tokens = Math.Min(burst, bucket.Tokens + (clock.GetUtcNow() - bucket.At).TotalSeconds * perSecond);
            if (tokens >= 1) return true;
            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - tokens) / perSecond)));
            return false;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        var fullAfter = TimeSpan.FromSeconds(burst / perSecond);
        foreach (var (key, bucket) in _buckets)
            if (now - bucket.At > fullAfter) _buckets.TryRemove(key, out _);
    }

    private sealed class Bucket(double tokens, DateTimeOffset at)
    {
        public double Tokens = tokens;
        public DateTimeOffset At = at;
    }
}

/// <summary>
/// Per-instance token buckets on the public endpoints and on authentication (docs/abuse.md has the defaults and why),
/// bound from <c>Licensing:RateLimits</c>.
/// </summary>
public sealed class RateLimitSettings
{
    public double PerKeyBurst { get; set; } = 60;
    public double PerKeyPerSecond { get; set; } = 1;
    public double PerAddressBurst { get; set; } = 300;
    public double PerAddressPerSecond { get; set; } = 5;
    public double UsagePerKeyBurst { get; set; } = 2000;
    public double UsagePerKeyPerSecond { get; set; } = 200;

    /// <summary>Failed authentications (wrong admin key, API key or session) allowed per address: burst, then refill.</summary>
    public double AuthFailuresBurst { get; set; } = 20;
    public double AuthFailuresPerSecond { get; set; } = 0.2;

    /// <summary>Limits no test or benchmark reaches.</summary>
    public static RateLimitSettings Unlimited => new()
    {
        PerKeyBurst = 1e12,
        PerKeyPerSecond = 1e12,
        PerAddressBurst = 1e12,
        PerAddressPerSecond = 1e12,
        UsagePerKeyBurst = 1e12,
        UsagePerKeyPerSecond = 1e12,
        AuthFailuresBurst = 1e12,
        AuthFailuresPerSecond = 1e12,
    };
}

public sealed class AbuseGuard(TimeProvider clock, RateLimitSettings settings)
{
    private readonly TokenBuckets _perKey = new(clock, settings.PerKeyBurst, settings.PerKeyPerSecond);
    private readonly TokenBuckets _perAddress = new(clock, settings.PerAddressBurst, settings.PerAddressPerSecond);
    private readonly TokenBuckets _usagePerKey = new(clock, settings.UsagePerKeyBurst, settings.UsagePerKeyPerSecond);
    private readonly TokenBuckets _authFailures = new(clock, settings.AuthFailuresBurst, settings.AuthFailuresPerSecond);

    /// <summary>
    /// Before a credential is checked: an address that has spent its failed authentications is refused outright, right
    /// credential or not, so guessing cannot go on at any speed and a lucky guess is not told apart from the others.
    /// </summary>
    public void CheckAuthentication(string? address)
    {
        if (address is not null && !_authFailures.CanTake(address, out var wait))
            throw new RateLimitedException("too many failed authentications from this address; wait before trying again", wait);
    }

    /// <summary>A wrong admin key, API key or session token from <paramref name="address"/>.</summary>
    public void AuthenticationFailed(string? address)
    {
        if (address is not null) _authFailures.TryTake(address, out _);
    }

    public void CheckAddress(string? address)
    {
        if (address is not null && !_perAddress.TryTake(address, out var wait))
            throw new RateLimitedException("too many requests from this address; slow down", wait);
    }

    /// <summary>Usage reports are frequent by nature (metered calls): their own, larger per-key bucket.</summary>
    public void CheckUsage(string licenseId)
    {
        if (!_usagePerKey.TryTake(licenseId, out var wait))
            throw new RateLimitedException("too many usage reports for this license key; batch them (quantity) instead", wait);
    }

    public void CheckLicense(string licenseId)
    {
        if (!_perKey.TryTake(licenseId, out var wait))
            throw new RateLimitedException("too many requests for this license key; cache the verdict until revalidateAfter", wait);
    }
}
