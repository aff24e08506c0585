using Licensing.Domain.Audit;
using Licensing.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Audit;

public sealed record ChangeQueueMessage(string AccountId, string ChangeId);

/// <summary>
/// Announces journaled changes on the <c>license-changes</c> queue, one message each. The change is already written:
/// a message that cannot be sent is logged, not thrown, and the journal sweep hands the record on instead.
/// </summary>
public sealed class ChangeQueue(QueueStorage queues, ILogger<ChangeQueue> logger) : IChangeNotifier
{
    public async Task NotifyAsync(IReadOnlyList<ChangeRecord> records, CancellationToken ct)
    {
        foreach (var r in records)
        {
            try
            {
                await queues.SendJsonAsync(QueueStorage.LicenseChanges, new ChangeQueueMessage(r.AccountId, r.Id), TimeSpan.Zero, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Change {ChangeId} is journaled but its queue message failed; the journal sweep will hand it on", r.Id);
            }
        }
    }
}
