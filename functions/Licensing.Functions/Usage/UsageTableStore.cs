using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Usage;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Usage;

/// <summary><c>usage</c>: PartitionKey = "{account}|{license}|{period}", RowKey = idempotency key, Quantity.</summary>
public sealed class UsageTableStore(TableStorage tables) : IUsageLedger
{
    private TableClient Table => tables.Table(TableStorage.UsageTable);

    private static string Partition(string accountId, string licenseId, string period) => $"{accountId}|{licenseId}|{period}";

    public Task<bool> AddAsync(string accountId, string licenseId, string period, string idempotencyKey, long quantity, DateTimeOffset at, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                await Table.AddEntityAsync(new TableEntity(Partition(accountId, licenseId, period), idempotencyKey) { ["Quantity"] = quantity, ["At"] = at }, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                return false;
            }
        }, ct);

    public Task<long> GetTotalAsync(string accountId, string licenseId, string period, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            long total = 0;
            var partition = Partition(accountId, licenseId, period);
            await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: 1000, select: ["Quantity"], cancellationToken: ct))
                total += e.GetInt64("Quantity") ?? 0;
            return total;
        }, ct);
}
