using Azure;
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

    public Task<(IdempotencyRecord Record, bool Inserted)> ClaimAsync(IdempotencyRecord record, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                var r = await Table.AddEntityAsync(ToEntity(record), ct);
                return (record with { Version = r.Headers.ETag?.ToString() }, true);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                var existing = await Table.GetEntityIfExistsAsync<TableEntity>(record.AccountId, record.KeyHash, cancellationToken: ct);
                return existing.HasValue ? (FromEntity(existing.Value!), false) : throw new ConcurrencyException("the idempotency record was replaced");
            }
        }, ct);

    public async Task<IdempotencyRecord> ReplaceAsync(IdempotencyRecord record, CancellationToken ct) =>
        record with { Version = await Table.ReplaceIfUnchangedAsync(ToEntity(record), record.Version!, "the idempotency record changed", ct) };

    public Task DeleteAsync(IdempotencyRecord record, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                await Table.DeleteEntityAsync(record.AccountId, record.KeyHash, new ETag(record.Version!), ct);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
            }
        }, ct);

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
