using Azure.Data.Tables;
using Licensing.Domain.Keys;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Signing;

/// <summary>
/// <c>signingkeys</c>: PartitionKey = "delegated", RowKey = kid; public key, root-signed delegation and PublishUntil.
/// A small partition (one row per instance per day, kept 60 days), read at most every 30 s per instance. Rows are
/// returned as found, however malformed: whoever can write the table can write them, so <see cref="JwksProvider"/>
/// publishes only those whose delegation verifies (<see cref="Delegation.Check"/>).
/// </summary>
public sealed class DelegatedKeyTableRegistry(TableStorage tables) : IDelegatedKeyRegistry
{
    private const string Partition = "delegated";

    public Task RegisterAsync(DelegatedKeyRegistration key, CancellationToken ct) =>
        StorageFaults.Guard(() => tables.SigningKeys.UpsertEntityAsync(new TableEntity(Partition, key.Jwk.Kid)
        {
            ["X"] = key.Jwk.X,
            ["Y"] = key.Jwk.Y,
            ["Delegation"] = key.Delegation,
            ["PublishUntil"] = key.PublishUntil,
        }, TableUpdateMode.Replace, ct), ct);

    public Task<IReadOnlyList<DelegatedKeyRegistration>> ListLiveAsync(DateTimeOffset now, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var result = new List<DelegatedKeyRegistration>();
            await foreach (var e in tables.SigningKeys.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and PublishUntil gt {now}"), cancellationToken: ct))
                result.Add(new DelegatedKeyRegistration(new PublicJwk(e.RowKey, Text(e, "X") ?? "", Text(e, "Y") ?? ""), Text(e, "Delegation"),
                    e.GetDateTimeOffset("PublishUntil") ?? DateTimeOffset.MinValue)); // the filter matched a date-typed value
            return (IReadOnlyList<DelegatedKeyRegistration>)result;
        }, ct);

    /// <summary>A string property, or null when it is missing or of another type (a row may have been written by hand).</summary>
    private static string? Text(TableEntity e, string name) => e.TryGetValue(name, out var value) ? value as string : null;
}
