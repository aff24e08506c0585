using System.Text.Json;
using Azure.Storage.Queues.Models;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Stripe;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Licensing.Functions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Billing;

/// <summary>Queue-triggered: provisions, renews, expires or revokes from one stored Stripe event, read by Stripe's parser.</summary>
public sealed class StripeEventFunctions(BillingEventProcessor processor, StripeEventParser parser, ILogger<StripeEventFunctions> logger)
{
    [Function(nameof(ProcessStripeEvent))]
    public async Task ProcessStripeEvent([QueueTrigger(QueueStorage.StripeEvents, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken ct)
    {
        var body = JsonSerializer.Deserialize<StripeEventMessage>(message.MessageText, Json.Options)
            ?? throw new InvalidOperationException("empty stripe-events message");
        var outcome = await processor.ProcessAsync(parser, body, message.DequeueCount, HostSettings.MaxDequeueCount, ct);
        logger.LogInformation("Stripe event {EventId} for {AccountId}: {Outcome}", body.EventId, body.AccountId, outcome);
    }
}
