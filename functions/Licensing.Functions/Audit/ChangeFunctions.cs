using System.Text.Json;
using Azure.Storage.Queues.Models;
using Licensing.Domain.Audit;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Licensing.Functions.Storage;
using Licensing.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Audit;

/// <summary>The change journal's fan-out (queue and sweep) and the audit log's retention timer.</summary>
public sealed class ChangeFunctions(ChangeDispatcher dispatcher, IAuditStore audit, IOptions<LicensingOptions> options, TimeProvider clock,
    ILogger<ChangeFunctions> logger)
{
    public const string SweepSchedule = "0 */5 * * * *";
    public const string PruneSchedule = "0 30 3 * * *";

    /// <summary>Queue-triggered: hands one journaled change to every consumer, then deletes it from the journal.</summary>
    [Function(nameof(DispatchChange))]
    public async Task DispatchChange([QueueTrigger(QueueStorage.LicenseChanges, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken ct)
    {
        var body = JsonSerializer.Deserialize<ChangeQueueMessage>(message.MessageText, Json.Options)
            ?? throw new InvalidOperationException("empty license-changes message");
        using var scope = LogScopes.Begin(logger, body.AccountId);
        var dispatched = await dispatcher.DispatchAsync(body.AccountId, body.ChangeId, ct);
        logger.LogInformation("Change {ChangeId}: {Outcome}", body.ChangeId, dispatched ? "dispatched" : "already dispatched");
    }

    /// <summary>Timer: hands on journaled changes whose queue message was lost (a crash after the write, a failed send, a failed consumer).</summary>
    [Function(nameof(SweepChangeJournal))]
    public async Task SweepChangeJournal([TimerTrigger(SweepSchedule)] TimerInfo timer, CancellationToken ct) =>
        logger.LogInformation("Swept {Count} journaled changes", await dispatcher.SweepAsync(ct));

    /// <summary>Timer: deletes the audit log's month partitions wholly older than the retention period.</summary>
    [Function(nameof(PruneAuditLog))]
    public async Task PruneAuditLog([TimerTrigger(PruneSchedule)] TimerInfo timer, CancellationToken ct) =>
        logger.LogInformation("Deleted {Count} audit entries past retention",
            await audit.DeleteBeforeAsync(clock.GetUtcNow().AddDays(-options.Value.AuditRetentionDays), ct));
}
