using Licensing.Domain.Common;

namespace Licensing.Domain.Usage;

/// <summary>Per-instance cache of usage totals for validation (≤ 5 s stale); reports always read the exact total.</summary>
public sealed class UsageCache(IUsageLedger ledger, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly TtlCache<(string, string, string), long> _totals = new(clock, Ttl);

    public ValueTask<long> TotalAsync(string accountId, string licenseId, string period, CancellationToken ct) =>
        _totals.GetAsync((accountId, licenseId, period), ledger, (l, token) => l.GetTotalAsync(accountId, licenseId, period, token), ct);

    public void Set(string accountId, string licenseId, string period, long total) => _totals.Set((accountId, licenseId, period), total);
}
