using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Activity;

/// <summary>
/// <c>licenseactivity</c>: PartitionKey = account id, RowKey = license id, beside the license but in its own table so
/// that flushing activity never races a license's ETag (activations, status changes).
/// </summary>
public sealed class ActivityTableStore(TableStorage tables) : IActivityStore
{
    public async Task<LicenseActivity?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
        await tables.Activity.GetIfExistsAsync(accountId, licenseId, ct) is { } e
            ? new LicenseActivity
            {
                AccountId = accountId,
                LicenseId = licenseId,
                FirstValidatedAt = e.GetDateTimeOffset("FirstValidatedAt"),
                LastValidatedAt = e.GetDateTimeOffset("LastValidatedAt"),
                Validations = e.GetInt64("Validations") ?? 0,
                ValidValidations = e.GetInt64("ValidValidations") ?? 0,
                Daily = ParseDays(e.GetString("Days")),
                WindowStart = e.GetDateTimeOffset("WindowStart") ?? DateTimeOffset.MinValue,
                WindowDomains = StorageJson.Deserialize<string[]>(e.GetString("WindowDomains") ?? "[]") ?? [],
                WindowAddresses = StorageJson.Deserialize<string[]>(e.GetString("WindowAddresses") ?? "[]") ?? [],
                WindowDevelopmentHosts = StorageJson.Deserialize<string[]>(e.GetString("WindowDevelopmentHosts") ?? "[]") ?? [],
                SharingSuspectedAt = e.GetDateTimeOffset("SharingSuspectedAt"),
                SharingFiredAt = e.GetDateTimeOffset("SharingFiredAt"),
                Version = e.ETag.ToString(),
            }
            : null;

    public Task DeleteAsync(string accountId, string licenseId, CancellationToken ct) => tables.Activity.DeleteIfExistsAsync(accountId, licenseId, ct);

    public Task<string?> AddOrReplaceAsync(LicenseActivity a, CancellationToken ct) =>
        tables.Activity.AddOrReplaceIfMatchAsync(ToEntity(a), a.Version, "activity changed while it was being flushed", TableUpdateMode.Replace, ct);

    public async Task<RowsReplaced> ReplaceAllAsync(IReadOnlyList<LicenseActivity> rows, CancellationToken ct)
    {
        if (rows.Count is 0) return new RowsReplaced([]);
        if (rows.Count > IActivityStore.MaxRowsPerTransaction || rows.Any(r => r.Version is null || r.AccountId != rows[0].AccountId))
            throw new ArgumentException($"at most {IActivityStore.MaxRowsPerTransaction} rows of one account, each with its version", nameof(rows));
        var outcome = await tables.Activity.SubmitIfAsync(
            rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(r), new ETag(r.Version!))).ToList(), ct);
        return outcome.Committed ? new RowsReplaced(outcome.ETags) : new RowsReplaced(null, outcome.FailedIndex);
    }

    private static TableEntity ToEntity(LicenseActivity a) =>
        new(a.AccountId, a.LicenseId)
        {
            ["FirstValidatedAt"] = a.FirstValidatedAt,
            ["LastValidatedAt"] = a.LastValidatedAt,
            ["Validations"] = a.Validations,
            ["ValidValidations"] = a.ValidValidations,
            // At most 30 entries ("2026-11-29:1234:1200", ≤ 51 characters each): far below a string property's 64 KiB.
            ["Days"] = FormatDays(a.Daily),
            ["WindowStart"] = a.WindowStart,
            // At most 100 normalised (ASCII) hosts of ≤ 255 characters each: one property holds them.
            ["WindowDomains"] = StorageJson.Serialize(a.WindowDomains),
            ["WindowAddresses"] = StorageJson.Serialize(a.WindowAddresses),
            ["WindowDevelopmentHosts"] = StorageJson.Serialize(a.WindowDevelopmentHosts),
            ["SharingSuspectedAt"] = a.SharingSuspectedAt,
            ["SharingFiredAt"] = a.SharingFiredAt,
        };

    /// <summary>The per-day counts as <c>yyyy-MM-dd:validations:valid</c> entries joined by <c>;</c>.</summary>
    public static string FormatDays(IEnumerable<ActivityDay> days) =>
        string.Join(';', days.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Date:yyyy-MM-dd}:{d.Validations}:{d.Valid}")));

    /// <summary>Reads <see cref="FormatDays"/>; a row written before days were kept has none.</summary>
    public static IReadOnlyList<ActivityDay> ParseDays(string? stored) =>
        [.. (stored ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(entry => entry.Split(':')).Select(f => new ActivityDay(
            DateOnly.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture),
            long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture)))];
}
