using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Quotas;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Usage;

/// <summary>
/// Quota state on the account entity (Tier, LicensesIssued; ETag-conditional) and monthly validations in
/// <c>accountusage</c> (PartitionKey = account id, RowKey = "yyyy-MM"). Beside the account entity, in its partition of
/// <c>accounts</c> so one entity-group transaction covers them and the count: a mark per counted license id
/// (RowKey <c>license-counted:{id}</c>, permanent) and a reservation per license not yet known to be written
/// (RowKey <c>license-pending:{id}</c>). docs/quotas.md.
/// </summary>
public sealed class QuotaTableStore(TableStorage tables) : IQuotaStore
{
    private const string CountedPrefix = "license-counted:";
    private const string PendingPrefix = "license-pending:";
    private const string PendingEnd = "license-pending;"; // the first RowKey after every PendingPrefix one

    private TableClient Usage => tables.Table(TableStorage.AccountUsageTable);

    public Task<AccountQuota> GetAsync(string accountId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var e = await ReadAccountAsync(accountId, ct);
            return new AccountQuota(accountId, Tier.Parse(e.GetString("Tier")) ?? Tier.Free, e.GetInt32("LicensesIssued") ?? 0);
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

    /// <summary>
    /// The account entity is a hot spot when many licenses are issued at once (a bulk import, a Stripe burst): the
    /// conditional increment retries longer than a license change would, with jitter.
    /// </summary>
    public Task<bool> ReserveLicenseAsync(string accountId, string licenseId, DateTimeOffset now, CancellationToken ct) =>
        Concurrency.RetryAsync(token => StorageFaults.Guard(async () =>
        {
            var e = await ReadAccountAsync(accountId, token);
            var tier = Tier.Parse(e.GetString("Tier")) ?? Tier.Free;
            var issued = e.GetInt32("LicensesIssued") ?? 0;
            // Unlimited tiers are not counted, so a burst of issuances never contends on the account entity.
            if (tier.MaxLicenses is not { } max) return false;
            if (issued >= max)
            {
                // A retry of an issuance counted before keeps its place.
                if ((await tables.Accounts.GetEntityIfExistsAsync<TableEntity>(accountId, CountedPrefix + licenseId, ["RowKey"], token)).HasValue)
                    return await TouchAsync(accountId, licenseId, now, token);
                throw new QuotaExceededException($"the {tier.Name} tier allows {max} licenses and all are issued; upgrade the account to issue more");
            }
            try
            {
                await tables.Accounts.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(accountId, CountedPrefix + licenseId)),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(accountId, PendingPrefix + licenseId) { ["TouchedAt"] = now }),
                    new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(accountId, "") { ["LicensesIssued"] = issued + 1 }, e.ETag),
                ], token);
                return true;
            }
            catch (TableTransactionFailedException x) when (x.Status == 409 && x.FailedTransactionActionIndex == 0)
            {
                return await TouchAsync(accountId, licenseId, now, token); // counted before
            }
            catch (TableTransactionFailedException x) when (x.Status == 412)
            {
                throw new ConcurrencyException("quota changed");
            }
        }, token), ct, maxAttempts: 64);

    /// <summary>Marks the pending reservation (if any) as in use, which also changes its ETag.</summary>
    private async Task<bool> TouchAsync(string accountId, string licenseId, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await tables.Accounts.UpdateEntityAsync(new TableEntity(accountId, PendingPrefix + licenseId) { ["TouchedAt"] = now }, ETag.All, TableUpdateMode.Merge, ct);
        }
        catch (RequestFailedException x) when (x.Status == 404)
        {
            // Settled: the license is written.
        }
        return true;
    }

    public Task SettleLicenseAsync(string accountId, string licenseId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                await tables.Accounts.DeleteEntityAsync(accountId, PendingPrefix + licenseId, ETag.All, ct);
            }
            catch (RequestFailedException x) when (x.Status == 404)
            {
            }
        }, ct);

    public Task<IReadOnlyList<LicenseReservation>> PendingLicensesAsync(string accountId, CancellationToken ct) =>
        StorageFaults.Guard<IReadOnlyList<LicenseReservation>>(async () =>
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey gt {PendingPrefix} and RowKey lt {PendingEnd}");
            var pending = new List<LicenseReservation>();
            await foreach (var e in tables.Accounts.QueryAsync<TableEntity>(filter, cancellationToken: ct))
                pending.Add(new LicenseReservation(e.RowKey[PendingPrefix.Length..], e.GetDateTimeOffset("TouchedAt") ?? DateTimeOffset.MinValue, e.ETag.ToString()));
            return pending;
        }, ct);

    public Task<bool> ReleaseLicenseAsync(string accountId, LicenseReservation reservation, CancellationToken ct) =>
        Concurrency.RetryAsync(token => StorageFaults.Guard(async () =>
        {
            var e = await ReadAccountAsync(accountId, token);
            try
            {
                await tables.Accounts.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(accountId, PendingPrefix + reservation.LicenseId), new ETag(reservation.Version)),
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(accountId, CountedPrefix + reservation.LicenseId), ETag.All),
                    new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(accountId, "") { ["LicensesIssued"] = Math.Max(0, (e.GetInt32("LicensesIssued") ?? 0) - 1) }, e.ETag),
                ], token);
                return true;
            }
            catch (TableTransactionFailedException x) when (x.FailedTransactionActionIndex == 0 && x.Status is 404 or 412)
            {
                return false; // touched, settled or released meanwhile
            }
            catch (TableTransactionFailedException x) when (x.Status == 412)
            {
                throw new ConcurrencyException("quota changed");
            }
        }, token), ct, maxAttempts: 64);

    private async Task<TableEntity> ReadAccountAsync(string accountId, CancellationToken ct)
    {
        var r = await tables.Accounts.GetEntityIfExistsAsync<TableEntity>(accountId, "", ["Tier", "LicensesIssued"], ct);
        return r.HasValue ? r.Value! : throw new NotFoundException("account not found");
    }

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
