namespace Licensing.Domain.Common;

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

    /// <summary>Sign-up and sign-in requests per client address: burst, then refill (one a minute).</summary>
    public double SignInPerAddressBurst { get; set; } = 10;
    public double SignInPerAddressPerSecond { get; set; } = 1.0 / 60;

    /// <summary>Sign-up and sign-in requests per e-mail address, whoever asks: burst, then refill (one every 10 minutes).</summary>
    public double SignInPerEmailBurst { get; set; } = 3;
    public double SignInPerEmailPerSecond { get; set; } = 1.0 / 600;

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
        SignInPerAddressBurst = 1e12,
        SignInPerAddressPerSecond = 1e12,
        SignInPerEmailBurst = 1e12,
        SignInPerEmailPerSecond = 1e12,
    };
}
