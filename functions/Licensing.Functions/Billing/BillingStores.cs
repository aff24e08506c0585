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

    public async Task<bool> AddAsync(StripeEventRecord r, CancellationToken ct) =>
        await Table.AddIfAbsentAsync(new TableEntity(r.AccountId, TableKeys.For(r.EventId))
        {
            ["EventId"] = r.EventId,
            ["Type"] = r.Type,
            ["Created"] = r.Created,
            ["Body"] = r.Body,
            ["ReceivedAt"] = r.ReceivedAt,
        }, ct) is not null;

    public async Task<StripeEventRecord?> GetAsync(string accountId, string eventId, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, TableKeys.For(eventId), ct) is { } e
            ? new StripeEventRecord
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
            }
            : null;

    public Task MarkProcessedAsync(StripeEventRecord record, string outcome, DateTimeOffset at, CancellationToken ct) =>
        Table.ReplaceIfMatchAsync(new TableEntity(record.AccountId, TableKeys.For(record.EventId))
        {
            ["ProcessedAt"] = at,
            ["Outcome"] = outcome.Length > 1000 ? outcome[..1000] : outcome,
        }, ETag.All.ToString(), "the Stripe event is gone", null, TableUpdateMode.Merge, ct);

    public async Task ReopenAsync(string accountId, string eventId, CancellationToken ct)
    {
        // A merge cannot remove a property: read, drop the processed mark, replace (conditionally).
        if (await Table.GetIfExistsAsync(accountId, TableKeys.For(eventId), ct) is not { } entity) return;
        entity.Remove("ProcessedAt");
        entity["Outcome"] = "replay requested";
        await Table.ReplaceIfMatchAsync(entity, entity.ETag.ToString(), "the Stripe event changed while it was reopened", ct);
    }
}

/// <summary><c>stripelinks</c>: PartitionKey = account id, RowKey = Stripe object id (cs_, sub_, pi_) as a table key, LicenseId.</summary>
public sealed class StripeLinksTableStore(TableStorage tables) : IStripeLinks
{
    private TableClient Table => tables.Table(TableStorage.StripeLinksTable);

    public Task UpsertAsync(string accountId, string stripeObjectId, string licenseId, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity(accountId, TableKeys.For(stripeObjectId)) { ["LicenseId"] = licenseId }, ct);

    public async Task<string?> GetAsync(string accountId, string stripeObjectId, CancellationToken ct) =>
        (await Table.GetIfExistsAsync(accountId, TableKeys.For(stripeObjectId), ["LicenseId"], ct))?.GetString("LicenseId");
}

/// <summary><c>stripefailures</c>: PartitionKey = account id, RowKey = event id as a table key; the event id and why processing gave up.</summary>
public sealed class StripeFailuresTableStore(TableStorage tables) : IStripeFailures
{
    private TableClient Table => tables.Table(TableStorage.StripeFailuresTable);

    public Task UpsertAsync(StripeFailure f, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity(f.AccountId, TableKeys.For(f.EventId))
        {
            ["EventId"] = f.EventId,
            ["Type"] = f.Type,
            ["Reason"] = f.Reason.Length > 2000 ? f.Reason[..2000] : f.Reason,
            ["Attempts"] = f.Attempts,
            ["FailedAt"] = f.FailedAt,
        }, ct);

    public Task<IReadOnlyList<StripeFailure>> ListAsync(string accountId, CancellationToken ct) =>
        Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), From, new QueryShape(MaxPerPage: 100, Limit: 1000), ct);

    public async Task<StripeFailure?> GetAsync(string accountId, string eventId, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, TableKeys.For(eventId), ct) is { } e ? From(e) : null;

    public Task DeleteAsync(string accountId, string eventId, CancellationToken ct) =>
        Table.DeleteIfExistsAsync(accountId, TableKeys.For(eventId), ct);

    private static StripeFailure From(TableEntity e) =>
        new(e.PartitionKey, e.GetString("EventId") ?? e.RowKey, e.GetString("Type"), e.GetString("Reason"), e.GetInt64("Attempts") ?? 0,
            e.GetDateTimeOffset("FailedAt") ?? DateTimeOffset.MinValue);
}

/// <summary>Queues the slim {accountId, eventId} message for the processor.</summary>
public sealed class StripeEventQueue(QueueStorage queues) : IStripeEventQueue
{
    public Task EnqueueAsync(StripeEventMessage message, CancellationToken ct) =>
        queues.SendAsync(QueueStorage.StripeEvents, System.Text.Json.JsonSerializer.Serialize(message, Http.Json.Options), null, ct);
}
