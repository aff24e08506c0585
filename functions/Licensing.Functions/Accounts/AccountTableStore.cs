using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Accounts;

/// <summary>
/// <c>accounts</c>: PartitionKey = account id, RowKey = "". <c>apikeys</c>: PartitionKey = SHA-256 of the key (hex),
/// RowKey = "", holding the account id: authenticating a request is one point read by hash.
/// </summary>
public sealed class AccountTableStore(TableStorage tables) : IAccountStore
{
    public Task CreateAsync(Account account, string apiKeyHash, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                await tables.Accounts.AddEntityAsync(new TableEntity(account.Id, "")
                {
                    ["Name"] = account.Name,
                    ["Email"] = account.Email,
                    ["CreatedAt"] = account.CreatedAt,
                    ["Tier"] = account.Tier,
                    ["LicensesIssued"] = 0,
                }, ct);
                await tables.ApiKeys.AddEntityAsync(new TableEntity(apiKeyHash, "")
                {
                    ["AccountId"] = account.Id,
                    ["CreatedAt"] = account.CreatedAt,
                }, ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                throw new ConflictException("the account already exists");
            }
        }, ct);

    public Task<string?> FindAccountIdByKeyHashAsync(string apiKeyHash, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var response = await tables.ApiKeys.GetEntityIfExistsAsync<TableEntity>(apiKeyHash, "", ["AccountId"], ct);
            return response.HasValue ? response.Value!.GetString("AccountId") : null;
        }, ct);
}
