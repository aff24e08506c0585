using Azure.Data.Tables;
using Licensing.Domain.Billing;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

/// <summary><c>stripelinks</c>: PartitionKey = account id, RowKey = Stripe object id (cs_, sub_, pi_) as a table key, LicenseId.</summary>
public sealed class StripeLinksTableStore(TableStorage tables) : IStripeLinks
{
    private TableClient Table => tables.Table(TableStorage.StripeLinksTable);

    public Task UpsertAsync(string accountId, string stripeObjectId, string licenseId, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity(accountId, TableKeys.For(stripeObjectId)) { ["LicenseId"] = licenseId }, ct);

    public async Task<string?> GetAsync(string accountId, string stripeObjectId, CancellationToken ct) =>
        (await Table.GetIfExistsAsync(accountId, TableKeys.For(stripeObjectId), ["LicenseId"], ct))?.GetString("LicenseId");
}
