using Azure.Data.Tables;
using Licensing.Domain.Billing;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Billing;

/// <summary>
/// <c>stripelinks</c> (every provider's): PartitionKey = account id, RowKey = the object's <see cref="ProviderRef.LinkKey"/>
/// (Stripe's cs_, sub_, pi_ bare; others prefixed with the provider) as a table key, LicenseId. Customers' e-mail
/// addresses (<see cref="IBillingCustomers"/>) are rows keyed <c>email|</c> + the customer's link key, with Email and At.
/// </summary>
public sealed class BillingLinksTableStore(TableStorage tables) : IBillingLinks, IBillingCustomers
{
    private TableClient Table => tables.Table(TableStorage.BillingLinksTable);

    public Task UpsertAsync(string accountId, string linkKey, string licenseId, CancellationToken ct) =>
        Table.UpsertAsync(new TableEntity(accountId, TableKeys.For(linkKey)) { ["LicenseId"] = licenseId }, ct);

    public async Task<string?> GetAsync(string accountId, string linkKey, CancellationToken ct) =>
        (await Table.GetIfExistsAsync(accountId, TableKeys.For(linkKey), ["LicenseId"], ct))?.GetString("LicenseId");

    public async Task RecordEmailAsync(string accountId, ProviderRef customer, string email, DateTimeOffset at, CancellationToken ct)
    {
        var key = TableKeys.For("email|" + customer.LinkKey);
        if ((await Table.GetIfExistsAsync(accountId, key, ["At"], ct))?.GetDateTimeOffset("At") is { } kept && kept > at) return;
        await Table.UpsertAsync(new TableEntity(accountId, key) { ["Email"] = email, ["At"] = at }, ct);
    }

    public async Task<string?> GetEmailAsync(string accountId, ProviderRef customer, CancellationToken ct) =>
        (await Table.GetIfExistsAsync(accountId, TableKeys.For("email|" + customer.LinkKey), ["Email"], ct))?.GetString("Email");

    /// <summary>Customer erasure: the address (any case) becomes [erased] in every provider customer's e-mail row of the account.</summary>
    public Task<int> EraseAsync(string accountId, string email, CancellationToken ct) => Table.RedactPartitionAsync(accountId, email, ct);
}
