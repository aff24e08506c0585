using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

/// <summary>
/// <c>stripeevents</c> (the inbox): PartitionKey = account id, RowKey = the Stripe event id as a table key
/// (<see cref="TableKeys"/>), the event id itself and the raw body as binary.
/// Keyed by event id, so a redelivery finds its record and processing happens once.
/// </summary>
public sealed class StripeInboxTableStore(TableStorage tables) : IStripeInbox
{
    private TableClient Table => tables.Table(TableStorage.StripeEventsTable);

    public Task<bool> AddAsync(StripeEventRecord r, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                await Table.AddEntityAsync(new TableEntity(r.AccountId, TableKeys.For(r.EventId))
                {
                    ["EventId"] = r.EventId,
                    ["Type"] = r.Type,
                    ["Created"] = r.Created,
                    ["Body"] = r.Body,
                    ["ReceivedAt"] = r.ReceivedAt,
                }, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                return false;
            }
        }, ct);

    public Task<StripeEventRecord?> GetAsync(string accountId, string eventId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await Table.GetEntityIfExistsAsync<TableEntity>(accountId, TableKeys.For(eventId), cancellationToken: ct);
            if (!r.HasValue) return null;
            var e = r.Value!;
            return new StripeEventRecord
            {
                AccountId = accountId,
                EventId = eventId,
                Type = e.GetString("Type"),
                Created = e.GetDateTimeOffset("Created") ?? DateTimeOffset.MinValue,
                Body = e.GetBinary("Body") ?? [],
                ReceivedAt = e.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
                ProcessedAt = e.GetDateTimeOffset("ProcessedAt"),
                Outcome = e.GetString("Outcome"),
                Version = e.ETag.ToString(),
            };
        }, ct);

    public Task MarkProcessedAsync(StripeEventRecord record, string outcome, DateTimeOffset at, CancellationToken ct) =>
        StorageFaults.Guard(() => Table.UpdateEntityAsync(new TableEntity(record.AccountId, TableKeys.For(record.EventId))
        {
            ["ProcessedAt"] = at,
            ["Outcome"] = outcome.Length > 1000 ? outcome[..1000] : outcome,
        }, ETag.All, TableUpdateMode.Merge, ct), ct);

    public Task ReopenAsync(string accountId, string eventId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            // A merge cannot remove a property: read, drop the processed mark, replace (conditionally).
            var r = await Table.GetEntityIfExistsAsync<TableEntity>(accountId, TableKeys.For(eventId), cancellationToken: ct);
            if (!r.HasValue) return;
            var entity = r.Value!;
            entity.Remove("ProcessedAt");
            entity["Outcome"] = "replay requested";
            await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
        }, ct);
}

/// <summary><c>stripelinks</c>: PartitionKey = account id, RowKey = Stripe object id (cs_, sub_, pi_) as a table key, LicenseId.</summary>
public sealed class StripeLinksTableStore(TableStorage tables) : IStripeLinks
{
    private TableClient Table => tables.Table(TableStorage.StripeLinksTable);

    public Task LinkAsync(string accountId, string stripeObjectId, string licenseId, CancellationToken ct) =>
        StorageFaults.Guard(() => Table.UpsertEntityAsync(new TableEntity(accountId, TableKeys.For(stripeObjectId)) { ["LicenseId"] = licenseId }, TableUpdateMode.Replace, ct), ct);

    public Task<string?> FindAsync(string accountId, string stripeObjectId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await Table.GetEntityIfExistsAsync<TableEntity>(accountId, TableKeys.For(stripeObjectId), ["LicenseId"], ct);
            return r.HasValue ? r.Value!.GetString("LicenseId") : null;
        }, ct);
}

/// <summary><c>stripefailures</c>: PartitionKey = account id, RowKey = event id as a table key; the event id and why processing gave up.</summary>
public sealed class StripeFailuresTableStore(TableStorage tables) : IStripeFailures
{
    private TableClient Table => tables.Table(TableStorage.StripeFailuresTable);

    public Task RecordAsync(StripeFailure f, CancellationToken ct) =>
        StorageFaults.Guard(() => Table.UpsertEntityAsync(new TableEntity(f.AccountId, TableKeys.For(f.EventId))
        {
            ["EventId"] = f.EventId,
            ["Type"] = f.Type,
            ["Reason"] = f.Reason.Length > 2000 ? f.Reason[..2000] : f.Reason,
            ["Attempts"] = f.Attempts,
            ["FailedAt"] = f.FailedAt,
        }, TableUpdateMode.Replace, ct), ct);

    public Task<IReadOnlyList<StripeFailure>> ListAsync(string accountId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var result = new List<StripeFailure>();
            await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), maxPerPage: 100, cancellationToken: ct))
            {
                result.Add(From(e));
                if (result.Count >= 1000) break;
            }
            return (IReadOnlyList<StripeFailure>)result;
        }, ct);

    public Task<StripeFailure?> GetAsync(string accountId, string eventId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await Table.GetEntityIfExistsAsync<TableEntity>(accountId, TableKeys.For(eventId), cancellationToken: ct);
            return r.HasValue ? From(r.Value!) : null;
        }, ct);

    public Task RemoveAsync(string accountId, string eventId, CancellationToken ct) =>
        StorageFaults.Guard(() => Table.DeleteEntityAsync(accountId, TableKeys.For(eventId), ETag.All, ct), ct);

    private static StripeFailure From(TableEntity e) =>
        new(e.PartitionKey, e.GetString("EventId") ?? e.RowKey, e.GetString("Type"), e.GetString("Reason"), e.GetInt64("Attempts") ?? 0, e.GetDateTimeOffset("FailedAt") ?? DateTimeOffset.MinValue);
}

/// <summary>Queues the slim {accountId, eventId} message for the processor.</summary>
public sealed class StripeEventQueue(QueueStorage queues) : IStripeEventQueue
{
    public Task EnqueueAsync(StripeEventMessage message, CancellationToken ct) =>
        StorageFaults.Guard(() => queues.Queue(QueueStorage.StripeEvents).SendMessageAsync(
            System.Text.Json.JsonSerializer.Serialize(message, Http.Json.Options), ct), ct);
}
