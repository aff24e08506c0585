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
                WindowStart = e.GetDateTimeOffset("WindowStart") ?? DateTimeOffset.MinValue,
                WindowDomains = StorageJson.Deserialize<string[]>(e.GetString("WindowDomains") ?? "[]") ?? [],
                WindowAddresses = StorageJson.Deserialize<string[]>(e.GetString("WindowAddresses") ?? "[]") ?? [],
                WindowDevelopmentHosts = StorageJson.Deserialize<string[]>(e.GetString("WindowDevelopmentHosts") ?? "[]") ?? [],
                SharingSuspectedAt = e.GetDateTimeOffset("SharingSuspectedAt"),
                SharingFiredAt = e.GetDateTimeOffset("SharingFiredAt"),
                Version = e.ETag.ToString(),
            }
            : null;

    public Task AddOrReplaceAsync(LicenseActivity a, CancellationToken ct) =>
        tables.Activity.AddOrReplaceIfMatchAsync(new TableEntity(a.AccountId, a.LicenseId)
        {
            ["FirstValidatedAt"] = a.FirstValidatedAt,
            ["LastValidatedAt"] = a.LastValidatedAt,
            ["Validations"] = a.Validations,
            ["ValidValidations"] = a.ValidValidations,
            ["WindowStart"] = a.WindowStart,
            // At most 100 normalised (ASCII) hosts of ≤ 255 characters each: one property holds them.
            ["WindowDomains"] = StorageJson.Serialize(a.WindowDomains),
            ["WindowAddresses"] = StorageJson.Serialize(a.WindowAddresses),
            ["WindowDevelopmentHosts"] = StorageJson.Serialize(a.WindowDevelopmentHosts),
            ["SharingSuspectedAt"] = a.SharingSuspectedAt,
            ["SharingFiredAt"] = a.SharingFiredAt,
        }, a.Version, "activity changed while it was being flushed", TableUpdateMode.Replace, ct);
}
