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
    private readonly TokenBuckets _trials = new(clock, settings.TrialsPerAddressBurst, settings.TrialsPerAddressPerSecond);
    private readonly TokenBuckets _signInPerAddress = new(clock, settings.SignInPerAddressBurst, settings.SignInPerAddressPerSecond);
    private readonly TokenBuckets _signInPerEmail = new(clock, settings.SignInPerEmailBurst, settings.SignInPerEmailPerSecond);

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

    /// <summary>Trials: their own, small per-address bucket (docs/abuse.md), on top of the general one.</summary>
    public void CheckTrial(string? address)
    {
        CheckAddress(address);
        if (address is not null && !_trials.TryTake(address, out var wait))
            throw new RateLimitedException("too many trials started from this address; try again later", wait);
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

    /// <summary>Sign-up and sign-in, per client address: checked before the body is read.</summary>
    public void CheckSignInAddress(string? address)
    {
        if (address is not null && !_signInPerAddress.TryTake(address, out var wait))
            throw new RateLimitedException("too many sign-up or sign-in requests from this address; wait before trying again", wait);
    }

    private readonly TokenBuckets _keyResends = new(clock, settings.SignInPerEmailBurst, settings.SignInPerEmailPerSecond);

    /// <summary>The customer portal's "e-mail my key again", per license, at the sign-in e-mail's pace (docs/portal.md).</summary>
    public void CheckKeyResend(string licenseId)
    {
        if (!_keyResends.TryTake(licenseId, out var wait))
            throw new RateLimitedException("the key was e-mailed several times recently; check the inbox and spam folder, or wait", wait);
    }

    /// <summary>Sign-up and sign-in, per e-mail address (case-insensitive), whether or not it owns an account.</summary>
    public void CheckSignInEmail(string email)
    {
        if (!_signInPerEmail.TryTake(EmailAddress.LookupKey(email), out var wait))
            throw new RateLimitedException("too many sign-up or sign-in requests for this e-mail address; use the last link sent, or wait", wait);
    }
}
