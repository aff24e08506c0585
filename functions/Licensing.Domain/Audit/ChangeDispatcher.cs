namespace Licensing.Domain.Audit;

/// <summary>
/// Hands journaled change records to every <see cref="IChangeConsumer"/>, at least once: on the queue message sent
/// after the write, and from the timer sweep for records a crash or a failure left behind. A record is deleted from
/// the journal only once every consumer took it; consumers dedupe by <see cref="ChangeRecord.Id"/>.
/// </summary>
public sealed class ChangeDispatcher(IChangeJournal journal, IEnumerable<IChangeConsumer> consumers, TimeProvider clock)
{
    /// <summary>How old a journaled record must be before the sweep takes it (its queue message normally does first).</summary>
    public static readonly TimeSpan SweepGrace = TimeSpan.FromMinutes(1);

    private readonly IReadOnlyList<IChangeConsumer> _consumers = [.. consumers];

    /// <summary>Dispatches one record; false when it is no longer journaled (already handed on).</summary>
    public async Task<bool> DispatchAsync(string accountId, string changeId, CancellationToken ct)
    {
        var record = await journal.GetAsync(accountId, changeId, ct).ConfigureAwait(false);
        if (record is null) return false;
        await DispatchAsync(record, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Dispatches every record journaled before the grace period; returns how many were handed on.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var dispatched = 0;
        Exception? firstFailure = null;
        await foreach (var record in journal.QueryAsync(clock.GetUtcNow() - SweepGrace, ct).ConfigureAwait(false))
        {
            try
            {
                await DispatchAsync(record, ct).ConfigureAwait(false);
                dispatched++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                firstFailure ??= e; // one record's failure does not hold back the others; it stays journaled
            }
        }
        if (firstFailure is not null) throw firstFailure;
        return dispatched;
    }

    private async Task DispatchAsync(ChangeRecord record, CancellationToken ct)
    {
        // Every consumer is tried; any failure keeps the record journaled for the next attempt.
        Exception? firstFailure = null;
        foreach (var consumer in _consumers)
        {
            try
            {
                await consumer.ConsumeAsync(record, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                firstFailure ??= e;
            }
        }
        if (firstFailure is not null) throw firstFailure;
        await journal.DeleteAsync(record.AccountId, record.Id, ct).ConfigureAwait(false);
    }
}
