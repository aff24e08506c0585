using System.Collections.Concurrent;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Metrics;

/// <summary>
/// The current day's snapshot for one account, computed from its license rows rather than waiting for the hourly roll-up,
/// and cached for at most <see cref="MaxAge"/> per account: one partition query (pages of 1000 license rows) per account
/// per minute, however often the metrics are read.
/// </summary>
public sealed class LiveSnapshots(ILicenseScan scan, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyDictionary<string, ProductSnapshot> Products)> cache =
        new(StringComparer.Ordinal);

    /// <summary>Per product id of the account: its snapshot at most <see cref="MaxAge"/> old (products without licenses absent).</summary>
    public async Task<IReadOnlyDictionary<string, ProductSnapshot>> GetAsync(string accountId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(accountId, out var hit) && now - hit.At < MaxAge && hit.At <= now) return hit.Products;
        var tally = new LicenseTally(now);
        await foreach (var l in scan.QueryAccountAsync(accountId, ct).ConfigureAwait(false)) tally.Add(l);
        var products = tally.Snapshots.ToDictionary(kv => kv.Key.Product, kv => kv.Value, StringComparer.Ordinal);
        foreach (var stale in cache.Where(kv => now - kv.Value.At >= MaxAge).Select(kv => kv.Key).ToArray()) cache.TryRemove(stale, out _);
        cache[accountId] = (now, products);
        return products;
    }
}
