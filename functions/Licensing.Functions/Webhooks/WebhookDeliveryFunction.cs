using System.Text.Json;
using Azure.Storage.Queues.Models;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Http;
using Licensing.Functions.Storage;
using Licensing.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Webhooks;

public sealed class WebhookDeliveryFunction(WebhookDeliveryService deliveries, ILogger<WebhookDeliveryFunction> logger)
{
    /// <summary>Queue-triggered: one attempt of one webhook delivery when it is due (claim, send, record; retries on the schedule).</summary>
    [Function(nameof(DeliverWebhook))]
    public async Task DeliverWebhook([QueueTrigger(QueueStorage.WebhookDeliveries, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken ct)
    {
        var body = JsonSerializer.Deserialize<WebhookQueueMessage>(message.MessageText, Json.Options)
            ?? throw new InvalidOperationException("empty webhook-deliveries message");
        using var scope = LogScopes.Begin(logger, body.AccountId);
        var outcome = await deliveries.DeliverAsync(body.AccountId, body.Key, ct);
        logger.LogInformation("Webhook delivery {Key} for {AccountId}: {Outcome}", body.Key, body.AccountId, outcome);
    }
}
