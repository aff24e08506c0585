using Azure.Data.Tables;
using Licensing.Domain.Accounts;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Accounts;

/// <summary>
/// The one adapter of <c>apikeys</c>, which holds two kinds of entity:
/// <list type="bullet">
/// <item>lookup: PartitionKey = hex SHA-256 of the key, RowKey = "": the account, the key's id, name and scopes. What
/// authentication reads: one point read. Keys issued before keys had records hold only the account (and get the rest
/// on first use).</item>
/// <item>record: PartitionKey = account id (<c>acct_…</c>, never a hash), RowKey = key id: name, scopes, prefix,
/// created, last used, hash. What the key list reads: one partition.</item>
/// </list>
/// </summary>
public sealed class ApiKeyTableStore(TableStorage tables) : IApiKeyStore
{
    private const char ScopeSeparator = ' ';

    private TableClient Table => tables.ApiKeys;

    public async Task AddAsync(ApiKey key, string keyHash, CancellationToken ct)
    {
        await Table.AddIfAbsentAsync(Record(key, keyHash), ct);
        if (await Table.AddIfAbsentAsync(Lookup(key, keyHash), ct) is null) throw new InvalidOperationException("an API key hash collided");
    }

    public async Task<ApiKey?> GetByHashAsync(string keyHash, CancellationToken ct)
    {
        if (await Table.GetIfExistsAsync(keyHash, "", ct) is not { } e) return null;
        var accountId = e.GetString("AccountId");
        var createdAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue;
        return e.GetString("KeyId") is { } id
            ? new ApiKey(id, accountId, e.GetString("Name") ?? "", ParseScopes(e.GetString("Scopes")), e.GetString("Prefix") ?? "", createdAt)
            : new ApiKey(ApiKeys.IdFor(keyHash), accountId, ApiKey.AccountKeyName, [Scopes.All], ApiKeys.Prefix, createdAt) { Legacy = true };
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync(string accountId, CancellationToken ct) =>
        Table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), e => new ApiKey(e.RowKey, accountId, e.GetString("Name") ?? "",
            ParseScopes(e.GetString("Scopes")), e.GetString("Prefix") ?? "", e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            e.GetDateTimeOffset("LastUsedAt")), ct);

    public async Task<string?> DeleteAsync(string accountId, string keyId, CancellationToken ct)
    {
        if (await Table.GetIfExistsAsync(accountId, keyId, ["Hash"], ct) is not { } record) return null;
        var hash = record.GetString("Hash");
        await Table.DeleteIfExistsAsync(hash, "", ct);
        await Table.DeleteIfExistsAsync(accountId, keyId, ct);
        return hash;
    }

    public Task ReplaceLastUsedAsync(string accountId, string keyId, DateTimeOffset at, CancellationToken ct) =>
        Table.ReplaceIfExistsAsync(new TableEntity(accountId, keyId) { ["LastUsedAt"] = at }, TableUpdateMode.Merge, ct);

    public async Task AddRecordAsync(ApiKey key, string keyHash, CancellationToken ct)
    {
        var lookup = Lookup(key, keyHash);
        lookup.Remove("CreatedAt");
        if (!await Table.ReplaceIfExistsAsync(lookup, TableUpdateMode.Merge, ct)) return; // revoked meanwhile
        await Table.AddIfAbsentAsync(Record(key, keyHash), ct);
    }

    private static TableEntity Lookup(ApiKey key, string keyHash) => new(keyHash, "")
    {
        ["AccountId"] = key.AccountId,
        ["KeyId"] = key.Id,
        ["Name"] = key.Name,
        ["Scopes"] = string.Join(ScopeSeparator, key.Scopes),
        ["Prefix"] = key.Prefix,
        ["CreatedAt"] = key.CreatedAt,
    };

    private static TableEntity Record(ApiKey key, string keyHash) => new(key.AccountId, key.Id)
    {
        ["Name"] = key.Name,
        ["Scopes"] = string.Join(ScopeSeparator, key.Scopes),
        ["Prefix"] = key.Prefix,
        ["CreatedAt"] = key.CreatedAt,
        ["LastUsedAt"] = key.LastUsedAt,
        ["Hash"] = keyHash,
    };

    private static string[] ParseScopes(string? stored) => (stored ?? Scopes.All).Split(ScopeSeparator, StringSplitOptions.RemoveEmptyEntries);
}
