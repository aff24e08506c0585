using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Quotas;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Usage;

/// <summary>
/// Quota state on the account entity (Tier, LicensesIssued; ETag-conditional) and monthly validations in
/// <c>accountusage</c> (PartitionKey = account id, RowKey = "yyyy-MM").
/// </summary>
public sealed class QuotaTableStore(TableStorage tables) : IQuotaStore
{
    private TableClient Usage => tables.Table(TableStorage.AccountUsageTable);

    public Task<AccountQuota> GetAsync(string accountId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await tables.Accounts.GetEntityIfExistsAsync<TableEntity>(accountId, "", ["Tier", "LicensesIssued"], ct);
            if (!r.HasValue) throw new NotFoundException("account not found");
            return new AccountQuota(accountId, Tier.Parse(r.Value!.GetString("Tier")) ?? Tier.Free, r.Value!.GetInt32("LicensesIssued") ?? 0);
        }, ct);

    public Task SetTierAsync(string accountId, Tier tier, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                await tables.Accounts.UpdateEntityAsync(new TableEntity(accountId, "") { ["Tier"] = tier.Name }, ETag.All, TableUpdateMode.Merge, ct);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new NotFoundException("account not found");
            }
        }, ct);

    public Task<bool> ReserveLicenseAsync(string accountId, CancellationToken ct) => AdjustAsync(accountId, +1, ct);

    public Task ReleaseLicenseAsync(string accountId, CancellationToken ct) => AdjustAsync(accountId, -1, ct);

    /// <summary>
    /// The account entity is a hot spot when many licenses are issued at once (a bulk import, a Stripe burst): the
    /// conditional increment retries longer than a license change would, with jitter.
    /// </summary>
    private Task<bool> AdjustAsync(string accountId, int by, CancellationToken ct) =>
        Concurrency.RetryAsync(token => StorageFaults.Guard(async () =>
        {
            var r = await tables.Accounts.GetEntityIfExistsAsync<TableEntity>(accountId, "", ["Tier", "LicensesIssued"], token);
            if (!r.HasValue) throw new NotFoundException("account not found");
            var e = r.Value!;
            var tier = Tier.Parse(e.GetString("Tier")) ?? Tier.Free;
            var issued = e.GetInt32("LicensesIssued") ?? 0;
            // Unlimited tiers are not counted, so a burst of issuances never contends on the account entity.
            if (tier.MaxLicenses is not { } max) return false;
            if (by > 0 && issued >= max)
                throw new QuotaExceededException($"the {tier.Name} tier allows {max} licenses and all are issued; upgrade the account to issue more");
            try
            {
                await tables.Accounts.UpdateEntityAsync(new TableEntity(accountId, "") { ["LicensesIssued"] = Math.Max(0, issued + by) }, e.ETag, TableUpdateMode.Merge, token);
            }
            catch (RequestFailedException x) when (x.Status == 412)
            {
                throw new ConcurrencyException("quota changed");
            }
            return true;
        }, token), ct, maxAttempts: 64);

    public Task<long> AddValidationsAsync(string accountId, string month, long count, CancellationToken ct) =>
        Concurrency.RetryAsync(token => StorageFaults.Guard(async () =>
        {
            var r = await Usage.GetEntityIfExistsAsync<TableEntity>(accountId, month, cancellationToken: token);
            var total = (r.HasValue ? r.Value!.GetInt64("Validations") ?? 0 : 0) + count;
            try
            {
                if (r.HasValue) await Usage.UpdateEntityAsync(new TableEntity(accountId, month) { ["Validations"] = total }, r.Value!.ETag, TableUpdateMode.Merge, token);
                else await Usage.AddEntityAsync(new TableEntity(accountId, month) { ["Validations"] = total }, token);
            }
            catch (RequestFailedException x) when (x.Status is 409 or 412)
            {
                throw new ConcurrencyException("usage changed");
            }
            return total;
        }, token), ct);

    public Task<long> ValidationsAsync(string accountId, string month, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await Usage.GetEntityIfExistsAsync<TableEntity>(accountId, month, ["Validations"], ct);
            return r.HasValue ? r.Value!.GetInt64("Validations") ?? 0 : 0;
        }, ct);

    public Task<bool> MarkNotifiedAsync(string accountId, string month, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await Usage.GetEntityIfExistsAsync<TableEntity>(accountId, month, cancellationToken: ct);
            if (!r.HasValue || r.Value!.GetDateTimeOffset("NotifiedAt") is not null) return false;
            try
            {
                await Usage.UpdateEntityAsync(new TableEntity(accountId, month) { ["NotifiedAt"] = DateTimeOffset.UtcNow }, r.Value.ETag, TableUpdateMode.Merge, ct);
                return true;
            }
            catch (RequestFailedException x) when (x.Status == 412)
            {
                return false; // someone else is notifying
            }
        }, ct);
}
