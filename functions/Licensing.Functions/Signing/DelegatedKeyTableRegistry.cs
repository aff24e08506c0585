using Azure.Data.Tables;
using Licensing.Domain.Signing;
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

    public Task UpsertAsync(DelegatedKeyRegistration key, CancellationToken ct) =>
        tables.SigningKeys.UpsertAsync(new TableEntity(Partition, key.Jwk.Kid)
        {
            ["X"] = key.Jwk.X,
            ["Y"] = key.Jwk.Y,
            ["Delegation"] = key.Delegation,
            ["PublishUntil"] = key.PublishUntil,
        }, ct);

    public Task<IReadOnlyList<DelegatedKeyRegistration>> ListLiveAsync(DateTimeOffset now, CancellationToken ct) =>
        tables.SigningKeys.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and PublishUntil gt {now}"),
            e => new DelegatedKeyRegistration(new PublicJwk(e.RowKey, Text(e, "X") ?? "", Text(e, "Y") ?? ""), Text(e, "Delegation"),
                e.GetDateTimeOffset("PublishUntil") ?? DateTimeOffset.MinValue), ct); // the filter matched a date-typed value

    /// <summary>A string property, or null when it is missing or of another type (a row may have been written by hand).</summary>
    private static string? Text(TableEntity e, string name) => e.TryGetValue(name, out var value) ? value as string : null;
}
