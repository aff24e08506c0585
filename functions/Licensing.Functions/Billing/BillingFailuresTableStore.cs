using Azure.Data.Tables;
using Licensing.Domain.Billing;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

/// <summary>
/// <c>stripefailures</c> (every provider's): PartitionKey = account id, RowKey = the event's key as in the inbox; the
/// provider (absent: Stripe), the event id and why processing gave up.
/// </summary>
public sealed class BillingFailuresTableStore(TableStorage tables) : IBillingFailures
{
    private TableClient Table => tables.Table(TableStorage.BillingFailuresTable);

    public Task UpsertAsync(BillingFailure f, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity(f.AccountId, BillingInboxTableStore.RowKey(f.Event))
        {
            ["Provider"] = BillingInboxTableStore.StoredProvider(f.Event.Provider),
            ["EventId"] = f.Event.Id,
            ["Type"] = f.Type,
            ["Reason"] = f.Reason.Length > 2000 ? f.Reason[..2000] : f.Reason,
            ["Attempts"] = f.Attempts,
            ["FailedAt"] = f.FailedAt,
        }, ct);

    public async Task<IReadOnlyList<BillingFailure>> ListAsync(string accountId, BillingProvider provider, CancellationToken ct) =>
        (await Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), From, new QueryShape(MaxPerPage: 100, Limit: 1000), ct))
        .Where(f => f.Event.Provider == provider).ToArray();

    public async Task<BillingFailure?> GetAsync(string accountId, ProviderRef evt, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, BillingInboxTableStore.RowKey(evt), ct) is { } e ? From(e) : null;

    public Task DeleteAsync(string accountId, ProviderRef evt, CancellationToken ct) =>
        Table.DeleteIfExistsAsync(accountId, BillingInboxTableStore.RowKey(evt), ct);

    private static BillingFailure From(TableEntity e) =>
        new(e.PartitionKey,
            new ProviderRef(BillingProviders.TryParse(e.GetString("Provider"), out var p) ? p : BillingProvider.Stripe, e.GetString("EventId") ?? e.RowKey),
            e.GetString("Type"), e.GetString("Reason"), e.GetInt64("Attempts") ?? 0, e.GetDateTimeOffset("FailedAt") ?? DateTimeOffset.MinValue);

    /// <summary>Customer erasure: the address (any case) becomes [erased] in every failure's reason of the account.</summary>
    public Task<int> EraseAsync(string accountId, string email, CancellationToken ct) => Table.RedactPartitionAsync(accountId, email, ct);
}
