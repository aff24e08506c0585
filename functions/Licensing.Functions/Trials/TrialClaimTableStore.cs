using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Trials;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Trials;

/// <summary>
/// <c>trials</c>: PartitionKey = account id; RowKey <c>email|{productId}|{hash of the address}</c> and
/// <c>device|{productId}|{activation id of the domain or fingerprint}</c> (the claims: license id, claimed at), and
/// <c>day|{yyyyMMdd}</c> (the account's trials that UTC day). A trial's two claims and its count are one entity-group
/// transaction: both claims and the count land together, or nothing does. docs/trials.md.
/// </summary>
public sealed class TrialClaimTableStore(TableStorage tables) : ITrialClaims
{
    /// <summary>Lost races on the day's count allowed: every trial of the account that day writes it.</summary>
    public const int CountAttempts = 64;

    private TableClient Table => tables.Table(TableStorage.TrialsTable);

    public Task<TrialClaimOutcome> AddAsync(TrialClaim claim, int maxPerDay, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var dayKey = $"day|{claim.ClaimedAt.UtcDateTime:yyyyMMdd}";
            var day = await Table.GetIfExistsAsync(claim.AccountId, dayKey, token);
            var count = day?.GetInt32("Count") ?? 0;
            if (count >= maxPerDay) return TrialClaimOutcome.DayFull;
            var counted = new TableEntity(claim.AccountId, dayKey) { ["Count"] = count + 1 };
            var outcome = await Table.SubmitIfAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(claim, EmailRow(claim))),
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(claim, DeviceRow(claim))),
                day is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, counted)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, counted, day.ETag),
            ], token);
            if (outcome.Committed) return TrialClaimOutcome.Added;
            // A claim row that exists is the answer; a count that moved meanwhile is a lost race: read again.
            if (outcome.FailedStatus == 409 && outcome.FailedIndex is 0 or 1) return TrialClaimOutcome.Taken;
            throw new ConcurrencyException("the day's count of trials changed");
        }, CountAttempts, ct);

    public async Task<(StoredTrialClaim? Email, StoredTrialClaim? Device)> GetAsync(TrialClaim claim, CancellationToken ct)
    {
        var email = Table.GetIfExistsAsync(claim.AccountId, EmailRow(claim), ct);
        var device = Table.GetIfExistsAsync(claim.AccountId, DeviceRow(claim), ct);
        return (FromEntity(await email), FromEntity(await device));
    }

    public async Task ReplaceAsync(TrialClaim claim, StoredTrialClaim stored, CancellationToken ct) =>
        await Table.ReplaceIfMatchAsync(ToEntity(claim, EmailRow(claim)), stored.Version, "the trial's claim changed", ct);

    private static string EmailRow(TrialClaim c) => $"email|{c.ProductId}|{c.EmailKey}";

    private static string DeviceRow(TrialClaim c) => $"device|{c.ProductId}|{c.DeviceKey}";

    private static TableEntity ToEntity(TrialClaim c, string rowKey) => new(c.AccountId, rowKey)
    {
        ["LicenseId"] = c.LicenseId,
        ["ClaimedAt"] = c.ClaimedAt,
    };

    private static StoredTrialClaim? FromEntity(TableEntity? e) =>
        e is null ? null : new(e.GetString("LicenseId"), e.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.MinValue, e.ETag.ToString());
}
