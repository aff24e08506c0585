using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Domain.Quotas;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Accounts;

/// <summary>
/// The one adapter of <c>accounts</c> and <c>accountemails</c> (<c>apikeys</c> is <see cref="ApiKeyTableStore"/>'s).
/// <c>accounts</c>: PartitionKey = account id, RowKey = "" for the account (name, e-mail, created, tier, licenses
/// issued); beside it, in the same partition so one entity-group transaction covers them and the count, a mark per
/// counted license id (RowKey <c>license-counted:{id}</c>, permanent) and a reservation per license not yet known to be
/// written (RowKey <c>license-pending:{id}</c>); docs/quotas.md.
/// <c>accountemails</c>: PartitionKey = hex SHA-256 of the lower-cased address, RowKey = "", holding the account the
/// address signs in to (one point read per sign-in). The quota rows are read and written through the quota store
/// (<see cref="Quotas.QuotaTableStore"/>), which goes through this class.
/// </summary>
public sealed class AccountTableStore(TableStorage tables) : IAccountStore
{
    private const string CountedPrefix = "license-counted:";
    private const string PendingPrefix = "license-pending:";
    private const string PendingEnd = "license-pending;"; // the first RowKey after every PendingPrefix one

    public async Task<bool> AddAsync(Account account, CancellationToken ct) =>
        await tables.Accounts.AddIfAbsentAsync(new TableEntity(account.Id, "")
        {
            ["Name"] = account.Name,
            ["Email"] = account.Email,
            ["CreatedAt"] = account.CreatedAt,
            ["Tier"] = account.Tier,
            ["LicensesIssued"] = 0,
        }, ct) is not null;

    public async Task<string?> GetAccountIdByEmailAsync(string email, CancellationToken ct) =>
        (await Emails.GetIfExistsAsync(EmailKey(email), "", ["AccountId"], ct))?.GetString("AccountId");

    public async Task<string> AddEmailAsync(string email, string accountId, CancellationToken ct)
    {
        if (await Emails.AddIfAbsentAsync(new TableEntity(EmailKey(email), "") { ["AccountId"] = accountId }, ct) is not null) return accountId;
        return await GetAccountIdByEmailAsync(email, ct) ?? throw new ConcurrencyException("the address's account changed");
    }

    private TableClient Emails => tables.Table(TableStorage.AccountEmailsTable);

    /// <summary>The address's lookup form (case-insensitive) hashed: any address is a valid key, and the key holds no address.</summary>
    private static string EmailKey(string email) => BearerTokens.Hash(EmailAddress.LookupKey(email));

    public async Task<Account?> GetAsync(string accountId, CancellationToken ct) =>
        await tables.Accounts.GetIfExistsAsync(accountId, "", ["Name", "Email", "CreatedAt", "Tier"], ct) is { } e
            ? new Account(accountId, e.GetString("Name"), e.GetString("Email"),
                e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue, e.GetString("Tier") ?? Tier.Free.Name)
            : null;

    public async Task<AccountQuota> GetQuotaAsync(string accountId, CancellationToken ct)
    {
        var e = await GetQuotaEntityAsync(accountId, ct);
        return new AccountQuota(accountId, Tier.Parse(e.GetString("Tier")) ?? Tier.Free, e.GetInt32("LicensesIssued") ?? 0);
    }

    public Task ReplaceTierAsync(string accountId, Tier tier, CancellationToken ct) =>
        tables.Accounts.ReplaceIfMatchAsync(new TableEntity(accountId, "") { ["Tier"] = tier.Name },
            ETag.All.ToString(), "the account changed", "account not found", TableUpdateMode.Merge, ct);

    /// <summary>
    /// <see cref="IQuotaStore.ReserveLicenseAsync"/>. The account entity is a hot spot when many licenses are issued at
    /// once (a bulk import, a Stripe burst): the conditional increment retries longer than a license change would, with jitter.
    /// </summary>
    public Task<bool> ReserveLicenseAsync(string accountId, string licenseId, DateTimeOffset now, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var e = await GetQuotaEntityAsync(accountId, token);
            var tier = Tier.Parse(e.GetString("Tier")) ?? Tier.Free;
            var issued = e.GetInt32("LicensesIssued") ?? 0;
            // Unlimited tiers are not counted, so a burst of issuances never contends on the account entity.
            if (tier.MaxLicenses is not { } max) return false;
            if (issued >= max)
            {
                // A retry of an issuance counted before keeps its place.
                if (await tables.Accounts.GetIfExistsAsync(accountId, CountedPrefix + licenseId, ["RowKey"], token) is not null)
                    return await TouchAsync(accountId, licenseId, now, token);
                throw new QuotaExceededException($"the {tier.Name} tier allows {max} licenses and all are issued; upgrade the account to issue more");
            }
            var outcome = await tables.Accounts.SubmitIfAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(accountId, CountedPrefix + licenseId)),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(accountId, PendingPrefix + licenseId) { ["TouchedAt"] = now }),
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(accountId, "") { ["LicensesIssued"] = issued + 1 }, e.ETag),
            ], token);
            return outcome switch
            {
                { Committed: true } => true,
                { FailedStatus: 409, FailedIndex: 0 } => await TouchAsync(accountId, licenseId, now, token), // counted before
                { FailedStatus: 412 } => throw new ConcurrencyException("quota changed"),
                _ => throw new InvalidOperationException($"reserving a license failed with status {outcome.FailedStatus} at action {outcome.FailedIndex}"),
            };
        }, 64, ct);

    /// <summary>Marks the pending reservation (if any) as in use, which also changes its ETag; gone means settled (the license is written).</summary>
    private async Task<bool> TouchAsync(string accountId, string licenseId, DateTimeOffset now, CancellationToken ct)
    {
        await tables.Accounts.ReplaceIfExistsAsync(new TableEntity(accountId, PendingPrefix + licenseId) { ["TouchedAt"] = now }, TableUpdateMode.Merge, ct);
        return true;
    }

    public Task SettleLicenseAsync(string accountId, string licenseId, CancellationToken ct) =>
        tables.Accounts.DeleteIfExistsAsync(accountId, PendingPrefix + licenseId, ct);

    public Task<IReadOnlyList<LicenseReservation>> ListPendingLicensesAsync(string accountId, CancellationToken ct) =>
        tables.Accounts.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey gt {PendingPrefix} and RowKey lt {PendingEnd}"),
            e => new LicenseReservation(e.RowKey[PendingPrefix.Length..], e.GetDateTimeOffset("TouchedAt") ?? DateTimeOffset.MinValue, e.ETag.ToString()), ct);

    /// <summary><see cref="IQuotaStore.ReleaseLicenseAsync"/>: the reservation, the mark and one off the count in one transaction.</summary>
    public Task<bool> ReleaseLicenseAsync(string accountId, LicenseReservation reservation, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var e = await GetQuotaEntityAsync(accountId, token);
            var outcome = await tables.Accounts.SubmitIfAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Delete,
                    new TableEntity(accountId, PendingPrefix + reservation.LicenseId), new ETag(reservation.Version)),
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(accountId, CountedPrefix + reservation.LicenseId), ETag.All),
                new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                    new TableEntity(accountId, "") { ["LicensesIssued"] = Math.Max(0, (e.GetInt32("LicensesIssued") ?? 0) - 1) }, e.ETag),
            ], token);
            return outcome switch
            {
                { Committed: true } => true,
                { FailedIndex: 0, FailedStatus: 404 or 412 } => false, // touched, settled or released meanwhile
                { FailedStatus: 412 } => throw new ConcurrencyException("quota changed"),
                _ => throw new InvalidOperationException($"releasing a license failed with status {outcome.FailedStatus} at action {outcome.FailedIndex}"),
            };
        }, 64, ct);

    private async Task<TableEntity> GetQuotaEntityAsync(string accountId, CancellationToken ct) =>
        await tables.Accounts.GetIfExistsAsync(accountId, "", ["Tier", "LicensesIssued"], ct) ?? throw new NotFoundException("account not found");
}
