using Azure.Data.Tables;
using Licensing.Domain.Keys;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Signing;

/// <summary>
/// <c>signingkeys</c>: PartitionKey = "delegated", RowKey = kid; public key, root-signed delegation and PublishUntil.
/// A small partition (one row per instance per day, kept 60 days), read at most every 30 s per instance.
/// </summary>
public sealed class DelegatedKeyTableRegistry(TableStorage tables) : IDelegatedKeyRegistry
{
    private const string Partition = "delegated";

    public Task RegisterAsync(PublishedDelegatedKey key, CancellationToken ct) =>
        StorageFaults.Guard(() => tables.SigningKeys.UpsertEntityAsync(new TableEntity(Partition, key.Jwk.Kid)
        {
            ["X"] = key.Jwk.X,
            ["Y"] = key.Jwk.Y,
            ["Delegation"] = key.Delegation,
            ["PublishUntil"] = key.PublishUntil,
        }, TableUpdateMode.Replace, ct), ct);

    public Task<IReadOnlyList<PublishedDelegatedKey>> ListLiveAsync(DateTimeOffset now, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var result = new List<PublishedDelegatedKey>();
            await foreach (var e in tables.SigningKeys.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and PublishUntil gt {now}"), cancellationToken: ct))
                result.Add(new PublishedDelegatedKey(new PublicJwk(e.RowKey, e.GetString("X"), e.GetString("Y")), e.GetString("Delegation"), e.GetDateTimeOffset("PublishUntil")!.Value));
            return (IReadOnlyList<PublishedDelegatedKey>)result;
        }, ct);
}
