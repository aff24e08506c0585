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

    private readonly TtlCache<string, LiveSnapshot> cache = new(clock, MaxAge);

    /// <summary>The account's snapshot per product id, at most <see cref="MaxAge"/> old (products without licenses absent).</summary>
    public ValueTask<LiveSnapshot> GetAsync(string accountId, CancellationToken ct) =>
        cache.GetAsync(accountId, (Self: this, AccountId: accountId), static (s, ct) => s.Self.TallyAsync(s.AccountId, ct), ct);

    private async Task<LiveSnapshot> TallyAsync(string accountId, CancellationToken ct)
    {
        var tally = new LicenseTally(clock.GetUtcNow());
        await foreach (var l in scan.QueryAccountAsync(accountId, ct).ConfigureAwait(false)) tally.Add(l);
        return new LiveSnapshot(
            tally.Snapshots.ToDictionary(kv => kv.Key.Product, kv => kv.Value, StringComparer.Ordinal),
            tally.TestLicenses.ToDictionary(kv => kv.Key.Product, kv => kv.Value, StringComparer.Ordinal));
    }
}

/// <summary>One account now: the metrics' snapshot per product, and its test-mode licenses per product (counted in no metric).</summary>
public sealed record LiveSnapshot(IReadOnlyDictionary<string, ProductSnapshot> Products, IReadOnlyDictionary<string, long> TestLicenses);
