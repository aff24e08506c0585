using Licensing.Domain.Billing;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

/// <summary>Queues the slim {accountId, eventId, provider} message for the processor.</summary>
public sealed class BillingEventQueue(QueueStorage queues) : IBillingEventQueue
{
    public Task EnqueueAsync(BillingEventMessage message, CancellationToken ct) =>
        queues.SendAsync(QueueStorage.BillingEvents, System.Text.Json.JsonSerializer.Serialize(message, Http.Json.Options), null, ct);
}
