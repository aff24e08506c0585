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

    /// <summary>Trials started per client address (<c>POST /v1/trials</c>): one person needs one; an office or a retry a few more.</summary>
    public double TrialsPerAddressBurst { get; set; } = 5;
    public double TrialsPerAddressPerSecond { get; set; } = 1.0 / 60;

    /// <summary>New trials one account hands out per UTC day, across its products: what the public trial route can cost a founder.</summary>
    public int TrialsPerAccountPerDay { get; set; } = 500;

    /// <summary>Failed authentications (wrong admin key, API key or session) allowed per address: burst, then refill.</summary>
    public double AuthFailuresBurst { get; set; } = 20;
    public double AuthFailuresPerSecond { get; set; } = 0.2;

    /// <summary>Keys looked up by hash (alias keys) that named nothing, allowed per address: burst, then refill.</summary>
    public double UnknownKeysBurst { get; set; } = 20;
    public double UnknownKeysPerSecond { get; set; } = 0.1;

    /// <summary>Sign-up and sign-in requests per client address: burst, then refill (one a minute).</summary>
    public double SignInPerAddressBurst { get; set; } = 10;
    public double SignInPerAddressPerSecond { get; set; } = 1.0 / 60;

    /// <summary>Sign-up and sign-in requests per e-mail address, whoever asks: burst, then refill (one every 10 minutes).</summary>
    public double SignInPerEmailBurst { get; set; } = 3;
    public double SignInPerEmailPerSecond { get; set; } = 1.0 / 600;

    /// <summary>Limits no test or benchmark reaches: every bucket's burst and refill (each <see cref="double"/> setting) at 1e12.</summary>
    public static RateLimitSettings Unlimited
    {
        get
        {
            var settings = new RateLimitSettings();
            foreach (var bucket in typeof(RateLimitSettings).GetProperties().Where(p => p.PropertyType == typeof(double)))
                bucket.SetValue(settings, 1e12);
            return settings;
        }
    }
}
