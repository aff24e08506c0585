using Licensing.Domain.Common;

namespace Licensing.Domain.Activity;

/// <summary>
/// Writes recorded activity into storage, merged with what is stored (one write per license per flush), and hands
/// each written batch to the <see cref="IActivityBatchConsumer"/>s. A license whose write fails is put back into the
/// recorder and written, and handed on, with a later flush.
/// </summary>
public sealed class ActivityFlusher(ActivityRecorder recorder, IActivityStore store, IEnumerable<IActivityBatchConsumer> consumers, TimeProvider clock)
{
    private readonly IReadOnlyList<IActivityBatchConsumer> _consumers = [.. consumers];
    private long _writes;

    /// <summary>Storage writes made so far (for the amortised cost: compare with <see cref="ActivityRecorder.Recorded"/>).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var batch = recorder.Drain();
        var written = new List<FlushedActivity>(batch.Count);
        Exception? firstFailure = null;
        foreach (var pending in batch)
        {
            try
            {
                written.Add(await WriteAsync(pending, ct).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                recorder.Requeue(pending);
                firstFailure ??= e;
            }
        }
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

    private Task<FlushedActivity> WriteAsync(ActivityRecorder.Pending pending, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var current = await store.GetAsync(pending.AccountId, pending.LicenseId, token).ConfigureAwait(false);
            var (next, newlySuspected) = LicenseActivity.Merge(current, pending, clock.GetUtcNow());
            await store.AddOrReplaceAsync(next, token).ConfigureAwait(false);
            Interlocked.Increment(ref _writes);
            long? firstValidation = current?.FirstValidatedAt is null && next.FirstValidatedAt is { } first
                ? (long)(first - pending.LicenseCreatedAt).TotalSeconds
                : null;
            return new FlushedActivity(pending, next, newlySuspected, firstValidation)
            {
                SharingToJournal = next.SharingFiredAt is not null ? next : current?.SharingFiredAt is not null ? current : null,
            };
        }, ct);
}
