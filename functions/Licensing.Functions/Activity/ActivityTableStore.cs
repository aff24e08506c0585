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
    public Task<LicenseActivity?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await tables.Activity.GetEntityIfExistsAsync<TableEntity>(accountId, licenseId, cancellationToken: ct);
            if (!r.HasValue) return null;
            var e = r.Value!;
            return new LicenseActivity
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
                Version = e.ETag.ToString(),
            };
        }, ct);

    public Task SaveAsync(LicenseActivity a, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var entity = new TableEntity(a.AccountId, a.LicenseId)
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
            };
            try
            {
                if (a.Version is null) await tables.Activity.AddEntityAsync(entity, ct);
                else await tables.Activity.UpdateEntityAsync(entity, new ETag(a.Version), TableUpdateMode.Replace, ct);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                throw new ConcurrencyException("activity changed while it was being flushed");
            }
        }, ct);
}
