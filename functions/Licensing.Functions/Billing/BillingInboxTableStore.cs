using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Billing;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

/// <summary>
/// The inbox (table <c>stripeevents</c>, every provider's): PartitionKey = account id, RowKey = the event's
/// <see cref="ProviderRef.LinkKey"/> as a table key (<see cref="TableKeys"/>; Stripe's event ids bare, as stored before
/// other providers existed), the provider, the event id itself and the raw body as binary. A row without
/// <c>Provider</c> is Stripe's. Keyed by provider and event id, so a redelivery finds its record and processing happens once.
/// </summary>
public sealed class BillingInboxTableStore(TableStorage tables) : IBillingInbox
{
    private TableClient Table => tables.Table(TableStorage.BillingEventsTable);

    public async Task<bool> AddAsync(BillingEventRecord r, CancellationToken ct) =>
        await Table.AddIfAbsentAsync(new TableEntity(r.AccountId, RowKey(r.Key))
        {
            ["Provider"] = StoredProvider(r.Provider),
            ["EventId"] = r.EventId,
            ["Type"] = r.Type,
            ["Created"] = r.Created,
            ["Body"] = r.Body,
            ["ReceivedAt"] = r.ReceivedAt,
        }, ct) is not null;

    public async Task<BillingEventRecord?> GetAsync(string accountId, ProviderRef evt, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, RowKey(evt), ct) is { } e
            ? new BillingEventRecord
            {
                AccountId = accountId,
                Provider = evt.Provider,
                EventId = evt.Id,
                Type = e.GetString("Type"),
                Created = e.GetDateTimeOffset("Created") ?? DateTimeOffset.MinValue,
                Body = e.GetBinary("Body") ?? [],
                ReceivedAt = e.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
                ProcessedAt = e.GetDateTimeOffset("ProcessedAt"),
                Outcome = e.GetString("Outcome"),
                Version = e.ETag.ToString(),
            }
            : null;

    public Task MarkProcessedAsync(BillingEventRecord record, string outcome, DateTimeOffset at, CancellationToken ct) =>
        Table.ReplaceIfMatchAsync(new TableEntity(record.AccountId, RowKey(record.Key))
        {
            ["ProcessedAt"] = at,
            ["Outcome"] = outcome.Length > 1000 ? outcome[..1000] : outcome,
        }, ETag.All.ToString(), $"the {record.Provider.ToWire()} event is gone", null, TableUpdateMode.Merge, ct);

    public async Task ReopenAsync(string accountId, ProviderRef evt, CancellationToken ct)
    {
        // A merge cannot remove a property: read, drop the processed mark, replace (conditionally).
        if (await Table.GetIfExistsAsync(accountId, RowKey(evt), ct) is not { } entity) return;
        entity.Remove("ProcessedAt");
        entity["Outcome"] = "replay requested";
        await Table.ReplaceIfMatchAsync(entity, entity.ETag.ToString(), $"the {evt.Provider.ToWire()} event changed while it was reopened", ct);
    }

    /// <summary>The provider as stored: absent for Stripe (rows written before other providers existed read the same).</summary>
    internal static string? StoredProvider(BillingProvider provider) => provider == BillingProvider.Stripe ? null : provider.ToWire();

    /// <summary>The row key of an event (also the failures table's).</summary>
    internal static string RowKey(ProviderRef evt) => TableKeys.For(evt.LinkKey);

    /// <summary>Customer erasure: the address (any case) becomes [erased] in every provider event's raw body of the account.</summary>
    public Task<int> EraseAsync(string accountId, string email, CancellationToken ct) => Table.RedactPartitionAsync(accountId, email, ct);
}
