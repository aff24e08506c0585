namespace Licensing.Domain.HotRefresh;

/// <summary>
/// The background refresh of hot cache entries (<c>Licensing:HotRefresh</c>, docs/performance.md): every
/// <see cref="IntervalSeconds"/> it reloads the entries read in the last <see cref="HotSeconds"/> that would otherwise expire
/// within two intervals, with at most <see cref="MaxRequestsPerRound"/> storage requests a round.
/// </summary>
public sealed class HotRefreshSettings
{
    /// <summary>Seconds between rounds (default 1; 0 turns the refresher off and every expired entry is read on request, as before).</summary>
    public double IntervalSeconds { get; set; } = 1;

    /// <summary>An entry read within this many seconds is hot and kept fresh (default 30); older ones simply expire.</summary>
    public int HotSeconds { get; set; } = 30;

    /// <summary>Storage requests one round may make (default 100): past it, the rest of the due entries expire and are read on request.</summary>
    public int MaxRequestsPerRound { get; set; } = 100;

    public bool Enabled => IntervalSeconds > 0;

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);

    public TimeSpan HotWindow => TimeSpan.FromSeconds(HotSeconds);

    /// <summary>How long before expiry an entry is reloaded: two rounds, so a refresh that is late by one round still lands in time.</summary>
    public TimeSpan Lead(TimeSpan ttl) => TimeSpan.FromTicks(Math.Min(ttl.Ticks, 2 * Interval.Ticks));
}
