using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Quotas;
using Licensing.Functions.Accounts;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Quotas;

/// <summary>
/// Quota state: the account's tier, count and license reservations live in <c>accounts</c> and are read and written
/// through its one adapter, <see cref="AccountTableStore"/>; monthly validations are this store's own table,
/// <c>accountusage</c> (PartitionKey = account id, RowKey = "yyyy-MM"; Validations, NotifiedAt). docs/quotas.md.
/// </summary>
public sealed class QuotaTableStore(AccountTableStore accounts, TableStorage tables, TimeProvider clock) : IQuotaStore
{
    private TableClient Usage => tables.Table(TableStorage.AccountUsageTable);

    public Task<AccountQuota> GetAsync(string accountId, CancellationToken ct) => accounts.GetQuotaAsync(accountId, ct);

    public Task ReplaceTierAsync(string accountId, Tier tier, CancellationToken ct) => accounts.ReplaceTierAsync(accountId, tier, ct);

    public Task<bool> ReserveLicenseAsync(string accountId, string licenseId, DateTimeOffset now, CancellationToken ct) =>
        accounts.ReserveLicenseAsync(accountId, licenseId, now, ct);

    public Task SettleLicenseAsync(string accountId, string licenseId, CancellationToken ct) => accounts.SettleLicenseAsync(accountId, licenseId, ct);

    public Task<IReadOnlyList<LicenseReservation>> ListPendingLicensesAsync(string accountId, CancellationToken ct) =>
        accounts.ListPendingLicensesAsync(accountId, ct);

    public Task<bool> ReleaseLicenseAsync(string accountId, LicenseReservation reservation, CancellationToken ct) =>
        accounts.ReleaseLicenseAsync(accountId, reservation, ct);

    public Task<long> AddValidationsAsync(string accountId, string month, long count, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var read = await Usage.GetIfExistsAsync(accountId, month, token);
            var total = (read?.GetInt64("Validations") ?? 0) + count;
            await Usage.AddOrReplaceIfMatchAsync(new TableEntity(accountId, month) { ["Validations"] = total },
                read?.ETag.ToString(), "usage changed", TableUpdateMode.Merge, token);
            return total;
        }, ct);

    public async Task<long> GetValidationsAsync(string accountId, string month, CancellationToken ct) =>
        (await Usage.GetIfExistsAsync(accountId, month, ["Validations"], ct))?.GetInt64("Validations") ?? 0;

    public async Task<bool> MarkNotifiedAsync(string accountId, string month, CancellationToken ct)
    {
        var read = await Usage.GetIfExistsAsync(accountId, month, ct);
        if (read is null || read.GetDateTimeOffset("NotifiedAt") is not null) return false;
        try
        {
            await Usage.ReplaceIfMatchAsync(new TableEntity(accountId, month) { ["NotifiedAt"] = clock.GetUtcNow() },
                read.ETag.ToString(), "the notice changed", null, TableUpdateMode.Merge, ct);
            return true;
        }
        catch (ConcurrencyException)
        {
            return false; // someone else is notifying
        }
    }
}
