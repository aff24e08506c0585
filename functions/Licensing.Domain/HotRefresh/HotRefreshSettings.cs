namespace Licensing.Domain.HotRefresh;

/// <summary>
/// The background refresh of hot cache entries (<c>Licensing:HotRefresh</c>, docs/performance.md): every
/// <see cref="IntervalSeconds"/> it reloads the entries read in the last <see cref="HotSeconds"/> that would otherwise expire
/// within <see cref="Lead"/>, with at most <see cref="MaxRequestsPerRound"/> storage requests a round.
/// </summary>
public sealed class HotRefreshSettings
{
    /// <summary>Seconds between rounds (default 1; 0 turns the refresher off and every expired entry is read on request, as before).</summary>
    public double IntervalSeconds { get; set; } = 1;

    /// <summary>An entry read within this many seconds is hot and kept fresh (default 30); older ones simply expire.</summary>
    public int HotSeconds { get; set; } = 30;

    /// <summary>Storage requests one round may make (default 100): past it, the rest of the due entries expire and are read on request.</summary>
    public int MaxRequestsPerRound { get; set; } = 100;

    /// <summary>
    /// The storage stall a renewal should ride out (default 2.5, the public path's budget): an entry is renewed early enough that its
    /// read may take this long without the entry expiring first, as far as the TTL allows (see <see cref="Lead"/>).
    /// </summary>
    public double StallSeconds { get; set; } = 2.5;

    public bool Enabled => IntervalSeconds > 0;

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);

    public TimeSpan HotWindow => TimeSpan.FromSeconds(HotSeconds);

    /// <summary>
    /// How long before expiry an entry is reloaded: two rounds (a round late still lands in time) plus <see cref="StallSeconds"/>, but
    /// at most the TTL less one round (an entry is not read again every round for nothing), and never less than two rounds or the TTL.
    /// For the 5 s license cache with 1 s rounds: 4 s, i.e. renewed once 1 s old, so a refresh starts by 2 s of age and may take 3 s;
    /// for 60 s entries: 4.5 s. Renewing earlier never serves older data: an entry's age counts from when its read started.
    /// </summary>
    public TimeSpan Lead(TimeSpan ttl)
    {
        var rounds = 2 * Interval.Ticks;
        var wanted = Math.Min(rounds + TimeSpan.FromSeconds(StallSeconds).Ticks, ttl.Ticks - Interval.Ticks);
        return TimeSpan.FromTicks(Math.Max(wanted, Math.Min(ttl.Ticks, rounds)));
    }
}
