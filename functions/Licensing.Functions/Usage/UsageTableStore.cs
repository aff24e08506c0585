using Azure.Data.Tables;
using Licensing.Domain.Usage;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Usage;

/// <summary>
/// <c>usage</c>: PartitionKey = "{account}|{license}|{period}", RowKey = idempotency key, Quantity. A period's
/// <c>usage.limit_reached</c> mark is the one row of PartitionKey "{account}|{license}|{period}|limit" (no ledger partition
/// ends so), RowKey "".
/// </summary>
public sealed class UsageTableStore(TableStorage tables) : IUsageLedger, IUsageLimitMarks
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

    private static string MarkPartition(string accountId, string licenseId, string period) => Partition(accountId, licenseId, period) + "|limit";

    public async Task<UsageLimitMark?> GetLimitMarkAsync(string accountId, string licenseId, string period, CancellationToken ct) =>
        await Table.GetIfExistsAsync(MarkPartition(accountId, licenseId, period), "", ct) is { } e
            ? new UsageLimitMark(e.GetString("ChangeId"), e.GetDateTimeOffset("At")!.Value, e.GetInt64("Used") ?? 0, e.GetInt64("Limit") ?? 0,
                e.GetBoolean("Journaled") ?? false)
            : null;

    public async Task<bool> AddLimitMarkAsync(string accountId, string licenseId, string period, UsageLimitMark mark, CancellationToken ct) =>
        await Table.AddIfAbsentAsync(new TableEntity(MarkPartition(accountId, licenseId, period), "")
        {
            ["ChangeId"] = mark.ChangeId,
            ["At"] = mark.At,
            ["Used"] = mark.Used,
            ["Limit"] = mark.Limit,
            ["Journaled"] = mark.Journaled,
        }, ct) is not null;

    public Task MarkLimitJournaledAsync(string accountId, string licenseId, string period, CancellationToken ct) =>
        Table.ReplaceIfExistsAsync(new TableEntity(MarkPartition(accountId, licenseId, period), "") { ["Journaled"] = true }, TableUpdateMode.Merge, ct);
}
