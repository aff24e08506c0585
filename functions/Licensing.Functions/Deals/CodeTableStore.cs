using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Deals;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Deals;

/// <summary>
/// <c>redeemcodes</c>: PartitionKey = SHA-256 of the canonical code, RowKey = "": redeeming is one point read by hash,
/// and the code itself is never stored.
/// </summary>
public sealed class CodeTableStore(TableStorage tables) : ICodeStore
{
    private TableClient Table => tables.Table(TableStorage.CodesTable);

    public Task AddBatchAsync(IReadOnlyList<CodeRecord> codes, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var duplicates = 0;
            await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (code, token) =>
            {
                try
                {
                    await Table.AddEntityAsync(ToEntity(code), token);
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    Interlocked.Increment(ref duplicates);
                }
            });
            if (duplicates > 0) throw new ConflictException($"{duplicates} of these codes already exist (imported before?); the others were added");
        }, ct);

    public Task<CodeRecord?> GetAsync(string hash, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await Table.GetEntityIfExistsAsync<TableEntity>(hash, "", cancellationToken: ct);
            if (!r.HasValue) return null;
            var e = r.Value!;
            return new CodeRecord
            {
                Hash = hash,
                AccountId = e.GetString("AccountId"),
                ProductId = e.GetString("ProductId"),
                Plan = e.GetString("Plan"),
                BatchId = e.GetString("BatchId"),
                State = e.GetString("State") ?? CodeRecord.Available,
                Email = e.GetString("Email"),
                LicenseId = e.GetString("LicenseId"),
                RedeemedAt = e.GetDateTimeOffset("RedeemedAt"),
                Version = e.ETag.ToString(),
            };
        }, ct);

    public Task<CodeRecord> ReplaceAsync(CodeRecord code, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                var r = await Table.UpdateEntityAsync(ToEntity(code), new ETag(code.Version!), TableUpdateMode.Replace, ct);
                return code with { Version = r.Headers.ETag?.ToString() };
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                throw new ConcurrencyException("the code changed");
            }
        }, ct);

    private static TableEntity ToEntity(CodeRecord c) => new(c.Hash, "")
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
}
