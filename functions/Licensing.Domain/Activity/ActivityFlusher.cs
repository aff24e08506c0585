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
/// The rows written by the last flush are remembered with their versions: a license validated again before the next flush
/// (a busy product's usual case) is written against the remembered row with one conditional write and no read. A row
/// changed or removed meanwhile (another instance's flush, the license's deletion) fails that write and is read afresh, and
/// the license is then contended: its next flushes read first (two calls, as without memory, never a failed write more)
/// until a read finds the row as this instance last wrote it.
/// A license without a row gets one only while the license exists: activity recorded just before a deletion is dropped,
/// never written back after the deletion erased it.
/// </remarks>
public sealed class ActivityFlusher(ActivityRecorder recorder, IActivityStore store, IEnumerable<IActivityBatchConsumer> consumers, TimeProvider clock,
    ILicenseStore? licenses = null)
{
    /// <summary>Licenses written at once by a flush.</summary>
    public const int WriteConcurrency = 8;

    private readonly IReadOnlyList<IActivityBatchConsumer> _consumers = [.. consumers];
    private ConcurrentDictionary<(string, string), Remembered> _written = new();
    private long _writes;
    private long _reads;

    /// <summary>Storage writes made so far (for the amortised cost: compare with the validations made).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Stored rows read so far: a license's first write of an instance, and a write that found its row changed.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var batch = recorder.Drain();
        var known = _written;
        var written = new List<FlushedActivity>(batch.Count);
        var remembered = new ConcurrentDictionary<(string, string), Remembered>();
        Exception? firstFailure = null;
        // A few licenses at a time: a flush of thousands of licenses one by one (a storage round trip each) would outlast its interval.
        // Every license is attempted, also once the flush is cancelled: what is not written is put back, never lost.
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = WriteConcurrency }, async (pending, _) =>
        {
            try
            {
                var key = (pending.AccountId, pending.LicenseId);
                if (await WriteAsync(pending, known.GetValueOrDefault(key), ct).ConfigureAwait(false) is not var (flushed, contended)) return;
                lock (written) written.Add(flushed);
                if (flushed.Written.Version is { Length: > 0 }) remembered[key] = new Remembered(flushed.Written, contended);
            }
            catch (Exception e)
            {
                recorder.Requeue(pending);
                Interlocked.CompareExchange(ref firstFailure, e, null);
            }
        }).ConfigureAwait(false);
        _written = remembered;
        if (written.Count > 0)
        {
            var flushed = new ActivityBatch(written, clock.GetUtcNow());
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
            Interlocked.Increment(ref _writes);
            long? firstValidation = current?.FirstValidatedAt is null && next.FirstValidatedAt is { } first
                ? (long)(first - pending.LicenseCreatedAt).TotalSeconds
                : null;
            return new FlushedActivity(pending, next with { Version = version }, newlySuspected, firstValidation)
            {
                SharingToJournal = next.SharingFiredAt is not null ? next : current?.SharingFiredAt is not null ? current : null,
            };
        }, ct).ConfigureAwait(false);
        return flushed is null ? null : (flushed, contended);
    }

    /// <summary>A row this instance wrote, and whether another writer had changed it before (then the next flush reads first).</summary>
    private sealed record Remembered(LicenseActivity Row, bool Contended);

    private Task<LicenseActivity?> ReadAsync(ActivityRecorder.Pending pending, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        return store.GetAsync(pending.AccountId, pending.LicenseId, ct);
    }
}
