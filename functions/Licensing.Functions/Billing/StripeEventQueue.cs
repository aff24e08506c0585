using Licensing.Domain.Billing;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

/// <summary>Queues the slim {accountId, eventId} message for the processor.</summary>
public sealed class StripeEventQueue(QueueStorage queues) : IStripeEventQueue
{
    public Task EnqueueAsync(StripeEventMessage message, CancellationToken ct) =>
        queues.SendAsync(QueueStorage.StripeEvents, System.Text.Json.JsonSerializer.Serialize(message, Http.Json.Options), null, ct);
}
