using System.Text.Json;
using Azure.Storage.Queues.Models;
using Licensing.Domain.Billing;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Licensing.Functions.Storage;
using Licensing.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Billing;

/// <summary>Queue-triggered: provisions, renews, expires or revokes from one stored provider event, read by that provider's parser.</summary>
public sealed class BillingEventFunctions(BillingEventProcessor processor, ILogger<BillingEventFunctions> logger)
{
    [Function(nameof(ProcessBillingEvent))]
    public async Task ProcessBillingEvent([QueueTrigger(QueueStorage.BillingEvents, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken ct)
    {
        var body = JsonSerializer.Deserialize<BillingEventMessage>(message.MessageText, Json.Options)
            ?? throw new InvalidOperationException("empty billing event message");
        using var scope = LogScopes.Begin(logger, body.AccountId);
        var outcome = await processor.ProcessAsync(body, message.DequeueCount, HostSettings.MaxDequeueCount, ct);
        logger.LogInformation("{Provider} event {EventId} for {AccountId}: {Outcome}", body.Provider ?? "stripe", body.EventId, body.AccountId, outcome);
    }
}
