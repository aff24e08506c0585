using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Licenses;

/// <summary>
/// <c>idempotency</c>: PartitionKey = account id, RowKey = SHA-256 of the route and the Idempotency-Key; holds the
/// request body's hash, the license id chosen for the key, and when it was answered. docs/idempotency.md.
/// </summary>
public sealed class IdempotencyTableStore(TableStorage tables) : IIdempotencyStore
{
    private TableClient Table => tables.Table(TableStorage.IdempotencyTable);

    public async Task<(IdempotencyRecord Record, bool Added)> AddAsync(IdempotencyRecord record, CancellationToken ct)
    {
        if (await Table.AddIfAbsentAsync(ToEntity(record), ct) is { } version) return (record with { Version = version }, true);
        return await Table.GetIfExistsAsync(record.AccountId, record.KeyHash, ct) is { } existing
            ? (FromEntity(existing), false)
            : throw new ConcurrencyException("the idempotency record was replaced");
    }

    public async Task<IdempotencyRecord> ReplaceAsync(IdempotencyRecord record, CancellationToken ct) =>
        record with { Version = await Table.ReplaceIfMatchAsync(ToEntity(record), record.Version!, "the idempotency record changed", ct) };

    public Task DeleteAsync(IdempotencyRecord record, CancellationToken ct) =>
        Table.DeleteIfExistsAsync(record.AccountId, record.KeyHash, record.Version!, ct);

    /// <summary>Deletes up to <paramref name="max"/> records made before <paramref name="before"/> (the pruning timer).</summary>
    public Task<int> DeleteOlderThanAsync(DateTimeOffset before, int max, CancellationToken ct) =>
        Table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"CreatedAt lt {before}"), max, ct);

    private static TableEntity ToEntity(IdempotencyRecord r) => new(r.AccountId, r.KeyHash)
    {
        ["RequestHash"] = r.RequestHash,
        ["LicenseId"] = r.LicenseId,
        ["CreatedAt"] = r.CreatedAt,
        ["CompletedAt"] = r.CompletedAt,
    };

    private static IdempotencyRecord FromEntity(TableEntity e) => new()
    {
        AccountId = e.PartitionKey,
        KeyHash = e.RowKey,
        RequestHash = e.GetString("RequestHash"),
        LicenseId = e.GetString("LicenseId"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        CompletedAt = e.GetDateTimeOffset("CompletedAt"),
        Version = e.ETag.ToString(),
    };
}
