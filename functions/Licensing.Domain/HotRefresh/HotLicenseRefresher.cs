using System.Collections.Concurrent;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.HotRefresh;

/// <summary>
/// Keeps the hot entries of the <see cref="LicenseReadCache"/> fresh ahead of expiry with few storage requests, partition by
/// partition (an account's licenses share one). A partition is refreshed when one of its hot entries is due; then either one
/// range read of its license rows' versions (pages of <see cref="ILicenseBatchReader.PageSize"/>, ids and ETags only) renews every
/// hot entry it holds at the version it holds, and reads the few that changed whole by id, or reads naming the due ids
/// (<see cref="ILicenseBatchReader.MaxIdsPerRequest"/> a request) do, whichever costs fewer requests (<see cref="UseRange"/>). Each
/// refreshed entry's age counts from when its read started; an entry not refreshed in time (a failed read, the round's budget
/// spent) expires and the request path reads it as it always did.
/// </summary>
public sealed class HotLicenseRefresher(LicenseReadCache cache, ILicenseBatchReader reader, TimeProvider clock, HotRefreshSettings settings)
{
    private const int MaxRememberedPartitions = 10_000;

    /// <summary>Pages the last range read of a partition took, or one more than it was allowed when it did not finish.</summary>
    private readonly ConcurrentDictionary<string, int> _pages = new(StringComparer.Ordinal);

    /// <summary>
    /// A range read when the due ids need at least two id reads and the partition's license rows were last read (or may be read)
    /// in no more pages than that; the range read is never allowed more pages than the id reads would have cost requests (a license
    /// changed since it was cached then costs its share of an id read too: changes are the exception, renewals the rule).
    /// </summary>
    public static bool UseRange(int dueCount, int? knownPages, int maxIdsPerRequest) =>
        IdRequests(dueCount, maxIdsPerRequest) is var cost && cost >= 2 && (knownPages is null || knownPages <= cost);

    public static int IdRequests(int count, int maxIdsPerRequest) => (count + maxIdsPerRequest - 1) / maxIdsPerRequest;

    /// <summary>One round, with at most <paramref name="budget"/> storage requests; adds what it did to <paramref name="tally"/>.</summary>
    public async Task RefreshAsync(int budget, RefreshTally tally, CancellationToken ct)
    {
        if (cache.Ttl <= TimeSpan.Zero) return;
        var now = clock.GetUtcNow();
        var dueBy = now - (cache.Ttl - settings.Lead(cache.Ttl));
        var partitions = cache.Hot(now - settings.HotWindow, TtlCache<string, bool>.MaxEntries)
            .GroupBy(e => e.Key.AccountId, StringComparer.Ordinal)
            .Where(g => g.Any(e => e.LoadedAt <= dueBy))
            .OrderByDescending(g => g.Count())
            .ToList();
        if (_pages.Count > MaxRememberedPartitions) _pages.Clear();
        foreach (var partition in partitions)
        {
            if (tally.Requests >= budget) break;
            var due = partition.Where(e => e.LoadedAt <= dueBy).Select(e => e.Key.LicenseId).ToList();
            try
            {
                await RefreshPartitionAsync(partition.Key, [.. partition.Select(e => e.Key.LicenseId)], due, budget, tally, ct).ConfigureAwait(false);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Storage refused or timed out: what was not refreshed expires as usual, and the request path reads it (503 if down).
                tally.Failures++;
            }
        }
    }

    private async Task RefreshPartitionAsync(string accountId, HashSet<string> hot, List<string> due, int budget, RefreshTally tally, CancellationToken ct)
    {
        IEnumerable<string> left = due;
        if (UseRange(due.Count, _pages.TryGetValue(accountId, out var known) ? known : null, reader.MaxIdsPerRequest))
        {
            var (complete, seen, changed) = await ReadRangeAsync(accountId, hot, IdRequests(due.Count, reader.MaxIdsPerRequest), budget, tally, ct)
                .ConfigureAwait(false);
            left = complete ? changed : changed.Concat(due.Where(id => !seen.Contains(id)));
        }
        foreach (var ids in left.Chunk(reader.MaxIdsPerRequest))
        {
            if (tally.Requests >= budget) return;
            var started = clock.GetUtcNow();
            var found = (await reader.ReadManyAsync(accountId, ids, ct).ConfigureAwait(false)).ToDictionary(l => l.Id, StringComparer.Ordinal);
            tally.IdRequests++;
            foreach (var id in ids)
                if (cache.TryRefresh(accountId, id, found.GetValueOrDefault(id), started)) tally.Refreshed++;
        }
    }

    /// <summary>
    /// Reads the versions of the partition's license rows, at most <paramref name="cap"/> pages, renewing each hot entry met at the
    /// version it holds. Returns whether it read them all (then a hot license it did not meet is gone, and is refreshed as such), the
    /// hot ids met, and those met at another version than the one held (read whole by id next).
    /// </summary>
    private async Task<(bool Complete, HashSet<string> Seen, List<string> Changed)> ReadRangeAsync(string accountId, HashSet<string> hot, int cap,
        int budget, RefreshTally tally, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var changed = new List<string>();
        var started = clock.GetUtcNow();
        string? token = null;
        var pages = 0;
        do
        {
            if (tally.Requests >= budget) break;
            var page = await reader.ReadVersionsAsync(accountId, token, ct).ConfigureAwait(false);
            tally.RangeRequests++;
            pages++;
            foreach (var (id, version) in page.Items)
            {
                if (!hot.Contains(id) || !seen.Add(id)) continue;
                var renewal = cache.TryRenew(accountId, id, version, started);
                if (renewal == Renewal.Renewed) tally.Refreshed++;
                else if (renewal == Renewal.Changed) changed.Add(id);
            }
            token = page.ContinuationToken;
        }
        while (token is not null && pages < cap);
        if (token is not null || pages == 0)
        {
            if (pages == cap) _pages[accountId] = cap + 1;
            return (false, seen, changed);
        }
        _pages[accountId] = pages;
        foreach (var gone in hot.Where(id => !seen.Contains(id)))
            if (cache.TryRefresh(accountId, gone, null, started)) tally.Refreshed++;
        return (true, seen, changed);
    }
}

/// <summary>What refresh rounds did: storage requests by kind, entries refreshed, partitions or caches whose reads failed.</summary>
public sealed class RefreshTally
{
    public int RangeRequests { get; set; }
    public int IdRequests { get; set; }
    public int PointLoads { get; set; }
    public int Refreshed { get; set; }
    public int Failures { get; set; }

    public int Requests => RangeRequests + IdRequests + PointLoads;
}
