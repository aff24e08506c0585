using System.Collections.Concurrent;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Activity;

/// <summary>
/// Writes recorded activity into storage, merged with what is stored (one write per license per flush), and hands
/// each written batch to the <see cref="IActivityBatchConsumer"/>s. A license whose write fails is put back into the
/// recorder and written, and handed on, with a later flush.
/// </summary>
/// <remarks>
/// The rows this instance wrote are remembered with their versions for <see cref="RememberFor"/> (at most <see cref="MaxRemembered"/>): licenses validated
/// again meanwhile (a busy product's usual case, also after quiet intervals) are written against their remembered rows without a read, up to 100 of one
/// account in one conditional transaction (one storage request; all or none). A row changed or removed meanwhile (another instance's flush, the license's
/// deletion) fails that transaction: that license is written on its own, its row read afresh, and the others are sent together again (refused twice, they
/// are written one by one). The changed one is contended: its next flushes read first (two calls, as without memory, never a failed write more) until a
/// read finds the row as this instance last wrote it. A license without a row gets one only while the license exists: activity recorded just before a
/// deletion is dropped, never written back after the deletion erased it.
/// </remarks>
public sealed class ActivityFlusher(ActivityRecorder recorder, IActivityStore store, IEnumerable<IActivityBatchConsumer> consumers, TimeProvider clock,
    ILicenseStore? licenses = null)
{
    /// <summary>Storage writes (a transaction or a single license) in flight at once in a flush.</summary>
    public const int WriteConcurrency = 8;

    /// <summary>How long a written row is remembered without being written again: a license validated within it is written without a read.</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(15);

    /// <summary>Rows remembered at most; past it, a flush keeps only the rows it wrote itself.</summary>
    public const int MaxRemembered = 20_000;

    /// <summary>Sites, hosts and address hashes (up to 100 of each in a shared key's row) held at most by rows carried from earlier flushes.</summary>
    public const int MaxRememberedEntries = 100_000;

    /// <summary>Refused transactions after which a chunk's licenses are written one by one.</summary>
    private const int MaxRefusals = 2;

    private readonly IReadOnlyList<IActivityBatchConsumer> _consumers = [.. consumers];
    private ConcurrentDictionary<(string, string), Remembered> _written = new();
    private long _writes;
    private long _writeRequests;
    private long _reads;

    /// <summary>Rows written so far (for the amortised cost: compare with the validations made).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Storage requests that wrote rows so far: a transaction of many licenses counts once.</summary>
    public long WriteRequests => Interlocked.Read(ref _writeRequests);

    /// <summary>Stored rows read so far: a license's first write of an instance, and a write that found its row changed.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var batch = recorder.Drain();
        var known = _written;
        var flush = new Flush(batch.Count, clock.GetUtcNow());
        // The licenses this instance remembers writing and nobody else since: their remembered rows are current, so they are written
        // in transactions of up to 100 of one account (one storage request each) without a read.
        var steady = new List<ActivityRecorder.Pending>();
        var single = new ConcurrentQueue<(ActivityRecorder.Pending Pending, Remembered? Known)>();
        foreach (var pending in batch)
        {
            var remembered = known.GetValueOrDefault((pending.AccountId, pending.LicenseId));
            if (remembered is { Contended: false }) steady.Add(pending);
            else single.Enqueue((pending, remembered));
        }
        var transactions = steady.GroupBy(p => p.AccountId, StringComparer.Ordinal).SelectMany(g => g.Chunk(IActivityStore.MaxRowsPerTransaction));
        // A few requests at a time: a flush of thousands of licenses one by one (a storage round trip each) would outlast its interval.
        // Every license is attempted, also once the flush is cancelled: what is not written is put back, never lost.
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = WriteConcurrency },
            async (rows, _) => await WriteTogetherAsync(rows, known, flush, single, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await Parallel.ForEachAsync(single, new ParallelOptions { MaxDegreeOfParallelism = WriteConcurrency }, async (one, _) =>
        {
            try
            {
                if (await WriteAsync(one.Pending, one.Known, ct).ConfigureAwait(false) is var (flushed, contended)) flush.Add(flushed, contended);
            }
            catch (Exception e)
            {
                recorder.Requeue(one.Pending);
                flush.Failed(e);
            }
        }).ConfigureAwait(false);
        _written = Carried(flush.Remembered, known, batch);
        var firstFailure = flush.FirstFailure;
        if (flush.Written.Count > 0)
        {
            var flushed = new ActivityBatch(flush.Written, clock.GetUtcNow());
            foreach (var consumer in _consumers)
            {
                try
                {
                    await consumer.ConsumeAsync(flushed, ct).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    firstFailure ??= e; // reported, not retried: the activity itself was written
                }
            }
        }
        if (firstFailure is not null) throw firstFailure;
        return batch.Count;
    }

    /// <summary>
    /// Writes licenses of one account, each merged into the row this instance remembers writing, in one transaction. A row changed
    /// since (another instance's flush, a deletion) makes storage write none: the license storage names goes to
    /// <paramref name="single"/> (written on its own, its row read first) and the others are sent together once more. Refused again,
    /// or not told which row, the rest go there too, each to be written against its remembered row first, as without transactions:
    /// so a chunk costs at most two refused transactions more than writing its licenses one by one, and never resends its rows more
    /// than twice. A fault puts the unwritten ones back.
    /// </summary>
    private async Task WriteTogetherAsync(ActivityRecorder.Pending[] chunk, ConcurrentDictionary<(string, string), Remembered> known, Flush flush,
        ConcurrentQueue<(ActivityRecorder.Pending Pending, Remembered? Known)> single, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = chunk.Select(p => (Pending: p, Known: known[(p.AccountId, p.LicenseId)]))
            .Select(r => (r.Pending, r.Known, Merged: LicenseActivity.Merge(r.Known.Row, r.Pending, now))).ToList();
        try
        {
            for (var refusals = 1; rows.Count > 0; refusals++)
            {
                var result = await store.ReplaceAllAsync([.. rows.Select(r => r.Merged.Next)], ct).ConfigureAwait(false);
                Interlocked.Increment(ref _writeRequests);
                if (result.Versions is { } versions)
                {
                    Interlocked.Add(ref _writes, rows.Count);
                    for (var i = 0; i < rows.Count; i++)
                    {
                        var (pending, remembered, (next, newlySuspected)) = rows[i];
                        flush.Add(Flushed(pending, remembered.Row, next with { Version = versions[i] }, newlySuspected), contended: false);
                    }
                    return;
                }
                if (result.ChangedRow is not (int at and >= 0) || at >= rows.Count) break; // not told which row
                single.Enqueue((rows[at].Pending, rows[at].Known with { Contended = true }));
                rows.RemoveAt(at);
                if (refusals == MaxRefusals) break;
            }
            foreach (var r in rows) single.Enqueue((r.Pending, r.Known));
        }
        catch (Exception e)
        {
            foreach (var r in rows) recorder.Requeue(r.Pending);
            flush.Failed(e);
        }
    }

    /// <summary>
    /// The rows a flush remembers: those it wrote, and those remembered before of licenses it had nothing for, while younger than
    /// <see cref="RememberFor"/> and within <see cref="MaxRemembered"/> and <see cref="MaxRememberedEntries"/>. A license it had something
    /// for and did not write (a fault, a license gone) is forgotten. A remembered row is only a guess checked by storage (every write
    /// against it is conditional on its version), so an old one costs a refused write, never a lost count.
    /// </summary>
    private ConcurrentDictionary<(string, string), Remembered> Carried(ConcurrentDictionary<(string, string), Remembered> written,
        ConcurrentDictionary<(string, string), Remembered> before, IReadOnlyList<ActivityRecorder.Pending> batch)
    {
        if (before.IsEmpty) return written;
        var flushed = batch.Select(p => (p.AccountId, p.LicenseId)).ToHashSet();
        var since = clock.GetUtcNow() - RememberFor;
        var entries = 0;
        foreach (var (key, row) in before)
        {
            if (written.Count >= MaxRemembered) break;
            if (row.At < since || flushed.Contains(key)) continue;
            entries += row.Row.WindowDomains.Count + row.Row.WindowAddresses.Count + row.Row.WindowDevelopmentHosts.Count;
            if (entries > MaxRememberedEntries) break;
            written.TryAdd(key, row);
        }
        return written;
    }

    /// <summary>What one flush wrote, the rows it remembers for the next, and its first failure.</summary>
    private sealed class Flush(int capacity, DateTimeOffset at)
    {
        private Exception? _firstFailure;

        public List<FlushedActivity> Written { get; } = new(capacity);
        public ConcurrentDictionary<(string, string), Remembered> Remembered { get; } = new();
        public Exception? FirstFailure => Volatile.Read(ref _firstFailure);

        public void Add(FlushedActivity flushed, bool contended)
        {
            lock (Written) Written.Add(flushed);
            if (flushed.Written.Version is { Length: > 0 })
                Remembered[(flushed.Recorded.AccountId, flushed.Recorded.LicenseId)] = new Remembered(flushed.Written, contended, at);
        }

        public void Failed(Exception e) => Interlocked.CompareExchange(ref _firstFailure, e, null);
    }

    /// <summary>
    /// Merges and writes one license's activity; null when the license is gone (nothing written). Contended: another writer changed
    /// the row since this instance last wrote it.
    /// </summary>
    private async Task<(FlushedActivity Flushed, bool Contended)?> WriteAsync(ActivityRecorder.Pending pending, Remembered? known, CancellationToken ct)
    {
        var contended = known?.Contended ?? false;
        var optimistic = known is not null && !contended;
        var flushed = await Concurrency.RetryAsync(async token =>
        {
            LicenseActivity? current;
            if (optimistic)
            {
                current = known!.Row; // the first attempt only: a conflict means it is stale, and the retry reads
                optimistic = false;
            }
            else
            {
                current = await ReadAsync(pending, token).ConfigureAwait(false);
                // Another writer since this instance's last write (a failed optimistic write is one): read first next time too.
                contended = known is not null && current?.Version != known.Row.Version;
            }
            if (current is null && licenses is not null && await licenses.GetAsync(pending.AccountId, pending.LicenseId, token).ConfigureAwait(false) is null)
                return null;
            var (next, newlySuspected) = LicenseActivity.Merge(current, pending, clock.GetUtcNow());
            var version = await store.AddOrReplaceAsync(next, token).ConfigureAwait(false);
            Interlocked.Increment(ref _writeRequests);
            Interlocked.Increment(ref _writes);
            return Flushed(pending, current, next with { Version = version }, newlySuspected);
        }, ct).ConfigureAwait(false);
        return flushed is null ? null : (flushed, contended);
    }

    /// <summary>What a write of <paramref name="written"/> (merged from <paramref name="current"/>) hands to the consumers.</summary>
    private static FlushedActivity Flushed(ActivityRecorder.Pending pending, LicenseActivity? current, LicenseActivity written, bool newlySuspected)
    {
        long? firstValidation = current?.FirstValidatedAt is null && written.FirstValidatedAt is { } first
            ? (long)(first - pending.LicenseCreatedAt).TotalSeconds
            : null;
        return new FlushedActivity(pending, written, newlySuspected, firstValidation)
        {
            SharingToJournal = written.SharingFiredAt is not null ? written : current?.SharingFiredAt is not null ? current : null,
        };
    }

    /// <summary>
    /// A row this instance wrote (by the flush at <paramref name="At"/>), and whether another writer had changed it before (then the
    /// next flush reads first).
    /// </summary>
    private sealed record Remembered(LicenseActivity Row, bool Contended, DateTimeOffset At);

    private Task<LicenseActivity?> ReadAsync(ActivityRecorder.Pending pending, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        return store.GetAsync(pending.AccountId, pending.LicenseId, ct);
    }
}
