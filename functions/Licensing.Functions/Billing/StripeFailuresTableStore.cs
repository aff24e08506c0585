using Azure.Data.Tables;
using Licensing.Domain.Billing;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

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
