using Licensing.Domain.Webhooks;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Webhooks;

/// <summary>A message of the <c>webhook-deliveries</c> queue: which delivery to attempt.</summary>
public sealed record WebhookQueueMessage(string AccountId, string Key);

public sealed class WebhookQueue(QueueStorage queues) : IWebhookQueue
{
    public Task EnqueueAsync(string accountId, string deliveryKey, TimeSpan delay, CancellationToken ct) =>
        queues.SendJsonAsync(QueueStorage.WebhookDeliveries, new WebhookQueueMessage(accountId, deliveryKey), delay, ct);
}
