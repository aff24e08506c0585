using System.Globalization;
using Licensing.Domain.Common;

namespace Licensing.Domain.Usage;

/// <summary>
/// Usage reports as a ledger: one row per report, keyed by its idempotency key, in a partition per license and
/// period. An insert either lands once or is a duplicate, so concurrent reports are never lost or doubled; the total
/// is the sum of the partition.
/// </summary>
public interface IUsageLedger
{
    /// <summary>Records a report; false when the idempotency key was already recorded (nothing added).</summary>
    Task<bool> AddAsync(string accountId, string licenseId, string period, string idempotencyKey, long quantity, DateTimeOffset at, CancellationToken ct);

    Task<long> GetTotalAsync(string accountId, string licenseId, string period, CancellationToken ct);
}

public static class UsagePeriods
{
    /// <summary>The period a moment falls in: "2027-01" (month, UTC) or "2027-01-15" (day).</summary>
    public static string Key(string period, DateTimeOffset at) =>
        period == "day" ? at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(string period, DateTimeOffset at)
    {
        var u = at.UtcDateTime;
        if (period == "day")
        {
            var start = new DateTimeOffset(u.Year, u.Month, u.Day, 0, 0, 0, TimeSpan.Zero);
            return (start, start.AddDays(1));
        }
        var month = new DateTimeOffset(u.Year, u.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (month, month.AddMonths(1));
    }
}

/// <summary>Per-instance cache of usage totals for validation (≤ 5 s stale); reports always read the exact total.</summary>
public sealed class UsageCache(IUsageLedger ledger, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly TtlCache<(string, string, string), long> _totals = new(clock, Ttl);

    public ValueTask<long> TotalAsync(string accountId, string licenseId, string period, CancellationToken ct) =>
        _totals.GetAsync((accountId, licenseId, period), ledger, (l, token) => l.GetTotalAsync(accountId, licenseId, period, token), ct);

    public void Set(string accountId, string licenseId, string period, long total) => _totals.Set((accountId, licenseId, period), total);
}
