namespace Licensing.Domain.Common;

/// <summary>
/// The per-instance token buckets of docs/abuse.md, one per limit of <see cref="RateLimitSettings"/>. Each check takes
/// (or, for the buckets of failures, only looks at) one token of its bucket and throws <see cref="RateLimitedException"/>
/// with the wait when there is none; a check keyed by a client address passes when the address is unknown.
/// </summary>
public sealed class AbuseGuard(TimeProvider clock, RateLimitSettings settings)
{
    private readonly TokenBuckets _perKey = new(clock, settings.PerKeyBurst, settings.PerKeyPerSecond);
    private readonly TokenBuckets _perAddress = new(clock, settings.PerAddressBurst, settings.PerAddressPerSecond);
    private readonly TokenBuckets _usagePerKey = new(clock, settings.UsagePerKeyBurst, settings.UsagePerKeyPerSecond);
    private readonly TokenBuckets _authFailures = new(clock, settings.AuthFailuresBurst, settings.AuthFailuresPerSecond);
    private readonly TokenBuckets _unknownKeys = new(clock, settings.UnknownKeysBurst, settings.UnknownKeysPerSecond);
    private readonly TokenBuckets _trials = new(clock, settings.TrialsPerAddressBurst, settings.TrialsPerAddressPerSecond);
    private readonly TokenBuckets _signInPerAddress = new(clock, settings.SignInPerAddressBurst, settings.SignInPerAddressPerSecond);
    private readonly TokenBuckets _signInPerEmail = new(clock, settings.SignInPerEmailBurst, settings.SignInPerEmailPerSecond);
    private readonly TokenBuckets _keyResends = new(clock, settings.SignInPerEmailBurst, settings.SignInPerEmailPerSecond);

    /// <summary>
    /// Before a key is looked up by hash (an alias key: no signature vouches for it): an address that has spent its
    /// unknown keys is refused, whatever the key, so guessing keys cannot go on at any speed and a hit is not told apart.
    /// Callers that know no address share one bucket.
    /// </summary>
    public void CheckKeyLookup(string? address) =>
        Peek(_unknownKeys, address ?? "", "too many unknown license keys from this address; wait before trying again");

    /// <summary>A key looked up by hash that named no license, from <paramref name="address"/>.</summary>
    public void UnknownKey(string? address) => _unknownKeys.TryTake(address ?? "", out _);

    /// <summary>
    /// Before a credential is checked: an address that has spent its failed authentications is refused outright, right
    /// credential or not, so guessing cannot go on at any speed and a lucky guess is not told apart from the others.
    /// </summary>
    public void CheckAuthentication(string? address) =>
        Peek(_authFailures, address, "too many failed authentications from this address; wait before trying again");

    /// <summary>A wrong admin key, API key or session token from <paramref name="address"/>.</summary>
    public void AuthenticationFailed(string? address)
    {
        if (address is not null) _authFailures.TryTake(address, out _);
    }

    public void CheckAddress(string? address) => Take(_perAddress, address, "too many requests from this address; slow down");

    /// <summary>Trials: their own, small per-address bucket (docs/abuse.md), on top of the general one.</summary>
    public void CheckTrial(string? address)
    {
        CheckAddress(address);
        Take(_trials, address, "too many trials started from this address; try again later");
    }

    /// <summary>Usage reports are frequent by nature (metered calls): their own, larger per-key bucket.</summary>
    public void CheckUsage(string licenseId) =>
        Take(_usagePerKey, licenseId, "too many usage reports for this license key; batch them (quantity) instead");

    public void CheckLicense(string licenseId) => CheckLicense(licenseId, null);

    /// <summary>The per-key limit, through the bucket <paramref name="hot"/> kept (the same one, shared by every key and path of the license).</summary>
    public void CheckLicense(string licenseId, Licenses.HotLicense? hot)
    {
        TokenBuckets.Bucket? none = null;
        if (!_perKey.TryTake(licenseId, ref hot is null ? ref none : ref hot.RateBucket, out var wait))
            throw new RateLimitedException("too many requests for this license key; cache the verdict until revalidateAfter", wait);
    }

    /// <summary>Sign-up and sign-in, per client address: checked before the body is read.</summary>
    public void CheckSignInAddress(string? address) =>
        Take(_signInPerAddress, address, "too many sign-up or sign-in requests from this address; wait before trying again");

    /// <summary>The customer portal's "e-mail my key again", per license, at the sign-in e-mail's pace (docs/portal.md).</summary>
    public void CheckKeyResend(string licenseId) =>
        Take(_keyResends, licenseId, "the key was e-mailed several times recently; check the inbox and spam folder, or wait");

    /// <summary>Sign-up and sign-in, per e-mail address (case-insensitive), whether or not it owns an account.</summary>
    public void CheckSignInEmail(string email) =>
        Take(_signInPerEmail, EmailAddress.LookupKey(email), "too many sign-up or sign-in requests for this e-mail address; use the last link sent, or wait");

    /// <summary>Takes a token of <paramref name="key"/>'s bucket (none when the key is null), or throws with the wait.</summary>
    private static void Take(TokenBuckets buckets, string? key, string message)
    {
        if (key is not null && !buckets.TryTake(key, out var wait)) throw new RateLimitedException(message, wait);
    }

    /// <summary>Throws with the wait when <paramref name="key"/>'s bucket is empty, taking nothing (a bucket of failures).</summary>
    private static void Peek(TokenBuckets buckets, string? key, string message)
    {
        if (key is not null && !buckets.CanTake(key, out var wait)) throw new RateLimitedException(message, wait);
    }
}
