using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.KeyAliases;
using Licensing.Functions.Storage;

namespace Licensing.Functions.KeyAliases;

/// <summary>
/// <c>keyaliases</c>: PartitionKey = lower-case hex SHA-256 of an alias key as given, RowKey = "", holding the account
/// id and license id it belongs to. Looking a key up is one point read by hash; adding is only-if-absent, so a key
/// belongs to one license in the whole service. docs/storage.md.
/// </summary>
public sealed class KeyAliasTableStore(TableStorage tables) : IKeyAliasStore
{
    private TableClient Table => tables.Table(TableStorage.KeyAliasesTable);

    public async Task<KeyAliasOwner?> GetAsync(string hash, CancellationToken ct) =>
        await Table.GetIfExistsAsync(hash, "", ["AccountId", "LicenseId"], ct) is { } e
            ? new KeyAliasOwner(e.GetString("AccountId"), e.GetString("LicenseId")) { Version = e.ETag.ToString() }
            : null;

    public async Task<bool> AddAsync(string hash, KeyAliasOwner owner, CancellationToken ct) =>
        await Table.AddIfAbsentAsync(Entity(hash, owner), ct) is not null;

    public Task ReplaceAsync(string hash, KeyAliasOwner owner, string version, CancellationToken ct) =>
        Table.ReplaceIfMatchAsync(Entity(hash, owner), version, "an alias key changed hands while it was claimed", ct);

    public Task<bool> DeleteAsync(string hash, string version, CancellationToken ct) => Table.DeleteIfExistsAsync(hash, "", version, ct);

    private static TableEntity Entity(string hash, KeyAliasOwner owner) => new(hash, "")
    {
        ["AccountId"] = owner.AccountId,
        ["LicenseId"] = owner.LicenseId,
    };
}
