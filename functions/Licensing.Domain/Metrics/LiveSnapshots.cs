using Licensing.Domain.Common;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Metrics;

/// <summary>
/// The current day's snapshot for one account, computed from its license rows rather than waiting for the hourly roll-up,
/// and cached (<see cref="TtlCache{TKey, TValue}"/>) for at most <see cref="MaxAge"/> per account: one partition query
/// (pages of 1000 license rows) per account per minute, however often the metrics are read.
/// </summary>
public sealed class LiveSnapshots(ILicenseScan scan, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly TtlCache<string, IReadOnlyDictionary<string, ProductSnapshot>> cache = new(clock, MaxAge);

    /// <summary>Per product id of the account: its snapshot at most <see cref="MaxAge"/> old (products without licenses absent).</summary>
    public ValueTask<IReadOnlyDictionary<string, ProductSnapshot>> GetAsync(string accountId, CancellationToken ct) =>
        cache.GetAsync(accountId, (Self: this, AccountId: accountId), static (s, ct) => s.Self.TallyAsync(s.AccountId, ct), ct);

    private async Task<IReadOnlyDictionary<string, ProductSnapshot>> TallyAsync(string accountId, CancellationToken ct)
    {
        var tally = new LicenseTally(clock.GetUtcNow());
        await foreach (var l in scan.QueryAccountAsync(accountId, ct).ConfigureAwait(false)) tally.Add(l);
        return tally.Snapshots.ToDictionary(kv => kv.Key.Product, kv => kv.Value, StringComparer.Ordinal);
    }
}
