using System.Collections.Concurrent;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Deals;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Deals;

/// <summary>
/// <c>redeemcodes</c>: PartitionKey = account id, RowKey = SHA-256 of the canonical code. A code belongs to its account:
/// redeeming is one point read inside that account's partition, two accounts may hold the same code without either
/// noticing, and the code itself is never stored. Rows written before codes belonged to accounts (PartitionKey = hash,
/// RowKey = "") move into their account's partition when that account first looks the code up or imports it again.
/// </summary>
public sealed class CodeTableStore(TableStorage tables) : ICodeStore
{
    private TableClient Table => tables.Table(TableStorage.CodesTable);

    public async Task<CodeBatchWrite> AddAsync(IReadOnlyList<CodeRecord> codes, bool imported, CancellationToken ct)
    {
        var added = new ConcurrentBag<CodeRecord>();
        var held = new ConcurrentBag<CodeRecord>();
        await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (code, token) =>
        {
            if (imported && await MoveLegacyAsync(code.AccountId, code.Hash, token) is { } moved)
                held.Add(moved);
            else if (await Table.AddIfAbsentAsync(ToEntity(code), token) is { } version)
                added.Add(code with { Version = version });
            else
                held.Add(await ReadAsync(code.AccountId, code.Hash, token) ?? throw new ConcurrencyException("a code was removed while its batch was added"));
        });
        return new CodeBatchWrite([.. added], [.. held]);
    }

    public Task DeleteAsync(IReadOnlyList<CodeRecord> codes, CancellationToken ct) =>
        Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (code, token) => await Table.DeleteIfExistsAsync(code.AccountId, code.Hash, code.Version, token)); // gone, or already in use: leave it

    public async Task<CodeRecord?> GetAsync(string accountId, string hash, CancellationToken ct) =>
        await ReadAsync(accountId, hash, ct) ?? await MoveLegacyAsync(accountId, hash, ct);

    public async Task<CodeRecord> ReplaceAsync(CodeRecord code, CancellationToken ct) =>
        code with { Version = await Table.ReplaceIfMatchAsync(ToEntity(code), code.Version!, "the code changed", ct) };

    private async Task<CodeRecord?> ReadAsync(string accountId, string hash, CancellationToken ct) =>
        await Table.GetIfExistsAsync(accountId, hash, ct) is { } e ? FromEntity(accountId, hash, e) : null;

    /// <summary>
    /// A row from before codes belonged to accounts, if it is this account's: copied into the account's partition
    /// (unless a concurrent lookup did it first), then removed from the old place. Another account's row is never read
    /// back to the caller.
    /// </summary>
    private async Task<CodeRecord?> MoveLegacyAsync(string accountId, string hash, CancellationToken ct)
    {
        if (await Table.GetIfExistsAsync(hash, "", ct) is not { } legacy || legacy.GetString("AccountId") != accountId) return null;
        await Table.AddIfAbsentAsync(ToEntity(FromEntity(accountId, hash, legacy)), ct);
        await Table.DeleteIfExistsAsync(hash, "", legacy.ETag.ToString(), ct);
        return await ReadAsync(accountId, hash, ct);
    }

    private static CodeRecord FromEntity(string accountId, string hash, TableEntity e) => new()
    {
        Hash = hash,
        AccountId = accountId,
        ProductId = e.GetString("ProductId"),
        Plan = e.GetString("Plan"),
        BatchId = e.GetString("BatchId"),
        State = e.GetString("State") ?? CodeRecord.Available,
        Email = e.GetString("Email"),
        LicenseId = e.GetString("LicenseId"),
        RedeemedAt = e.GetDateTimeOffset("RedeemedAt"),
        Version = e.ETag.ToString(),
    };

    private static TableEntity ToEntity(CodeRecord c) => new(c.AccountId, c.Hash)
    {
        ["AccountId"] = c.AccountId,
        ["ProductId"] = c.ProductId,
        ["Plan"] = c.Plan,
        ["BatchId"] = c.BatchId,
        ["State"] = c.State,
        ["Email"] = c.Email,
        ["LicenseId"] = c.LicenseId,
        ["RedeemedAt"] = c.RedeemedAt,
    };

    /// <summary>Customer erasure: the address (any case) becomes [erased] in every redeemed code (who redeemed it) of the account.</summary>
    public Task<int> EraseAsync(string accountId, string email, CancellationToken ct) => Table.RedactPartitionAsync(accountId, email, ct);
}
