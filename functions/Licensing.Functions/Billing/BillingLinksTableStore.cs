using Azure.Data.Tables;
using Licensing.Domain.Billing;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

/// <summary>
/// <c>stripelinks</c> (every provider's): PartitionKey = account id, RowKey = the object's <see cref="ProviderRef.LinkKey"/>
/// (Stripe's cs_, sub_, pi_ bare; others prefixed with the provider) as a table key, LicenseId.
/// </summary>
public sealed class BillingLinksTableStore(TableStorage tables) : IBillingLinks
{
    private TableClient Table => tables.Table(TableStorage.BillingLinksTable);

    public Task UpsertAsync(string accountId, string linkKey, string licenseId, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity(accountId, TableKeys.For(linkKey)) { ["LicenseId"] = licenseId }, ct);

    public async Task<string?> GetAsync(string accountId, string linkKey, CancellationToken ct) =>
        (await Table.GetIfExistsAsync(accountId, TableKeys.For(linkKey), ["LicenseId"], ct))?.GetString("LicenseId");
}
