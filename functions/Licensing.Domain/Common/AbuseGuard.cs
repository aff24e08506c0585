namespace Licensing.Domain.Common;

public sealed class AbuseGuard(TimeProvider clock, RateLimitSettings settings)
{
    private readonly TokenBuckets _perKey = new(clock, settings.PerKeyBurst, settings.PerKeyPerSecond);
    private readonly TokenBuckets _perAddress = new(clock, settings.PerAddressBurst, settings.PerAddressPerSecond);
    private readonly TokenBuckets _usagePerKey = new(clock, settings.UsagePerKeyBurst, settings.UsagePerKeyPerSecond);
    private readonly TokenBuckets _authFailures = new(clock, settings.AuthFailuresBurst, settings.AuthFailuresPerSecond);
    private readonly TokenBuckets _unknownKeys = new(clock, settings.UnknownKeysBurst, settings.UnknownKeysPerSecond);

    /// <summary>
    /// Before a key is looked up by hash (an alias key: no signature vouches for it): an address that has spent its
    /// unknown keys is refused, whatever the key, so guessing keys cannot go on at any speed and a hit is not told apart.
    /// Callers that know no address share one bucket.
    /// </summary>
    public void CheckKeyLookup(string? address)
    {
        if (!_unknownKeys.CanTake(address ?? "", out var wait))
            throw new RateLimitedException("too many unknown license keys from this address; wait before trying again", wait);
    }

    /// <summary>A key looked up by hash that named no license, from <paramref name="address"/>.</summary>
    public void UnknownKey(string? address) => _unknownKeys.TryTake(address ?? "", out _);

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
