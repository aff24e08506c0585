using Licensing.Domain.Telemetry;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Telemetry;

/// <summary>
/// Reads the app's queues: each one's approximate depth, the depth of its poison queue, and the age of its oldest visible message
/// (a peek: a message waiting out a retry delay is not visible, so it is not counted in the age). Three storage calls per queue at
/// most, never a scan.
/// </summary>
public sealed class QueueProbe(QueueStorage queues, TimeProvider clock)
{
    /// <summary>The queues the functions read (each has a poison queue beside it).</summary>
    public static IReadOnlyList<string> Queues { get; } =
        QueueStorage.AllQueues.Where(q => !q.EndsWith(QueueStorage.PoisonSuffix, StringComparison.Ordinal)).ToArray();

    public async Task<QueueReading> ReadAsync(string name, CancellationToken ct)
    {
        var queue = queues.Queue(name);
        var depth = queue.GetPropertiesAsync(ct);
        var poison = queues.Queue(name + QueueStorage.PoisonSuffix).GetPropertiesAsync(ct);
        var count = (await depth).Value.ApproximateMessagesCount;
        TimeSpan? age = null;
        if (count > 0 && (await queue.PeekMessageAsync(ct)).Value?.InsertedOn is { } inserted)
            age = clock.GetUtcNow() - inserted is var a && a > TimeSpan.Zero ? a : TimeSpan.Zero;
        return new QueueReading(name, count, (await poison).Value.ApproximateMessagesCount, age);
    }

    public async Task<IReadOnlyList<QueueReading>> ReadAllAsync(CancellationToken ct) => await Task.WhenAll(Queues.Select(q => ReadAsync(q, ct)));
}
