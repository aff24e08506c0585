using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Billing;
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
