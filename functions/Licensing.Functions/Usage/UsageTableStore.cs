using Azure.Data.Tables;
using Licensing.Domain.Usage;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Usage;

/// <summary><c>usage</c>: PartitionKey = "{account}|{license}|{period}", RowKey = idempotency key, Quantity.</summary>
public sealed class UsageTableStore(TableStorage tables) : IUsageLedger
{
    private TableClient Table => tables.Table(TableStorage.UsageTable);

    private static string Partition(string accountId, string licenseId, string period) => $"{accountId}|{licenseId}|{period}";

    public async Task<bool> AddAsync(string accountId, string licenseId, string period, string idempotencyKey, long quantity, DateTimeOffset at,
        CancellationToken ct) =>
        await Table.AddIfAbsentAsync(
            new TableEntity(Partition(accountId, licenseId, period), idempotencyKey) { ["Quantity"] = quantity, ["At"] = at }, ct) is not null;

    public async Task<long> GetTotalAsync(string accountId, string licenseId, string period, CancellationToken ct)
    {
        var partition = Partition(accountId, licenseId, period);
        var quantities = await Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), e => e.GetInt64("Quantity") ?? 0,
            new QueryShape(1000, ["Quantity"]), ct);
        return quantities.Sum();
    }
}
