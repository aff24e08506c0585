using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Licensing.Functions.Storage;

/// <summary>
/// A write the storage client sent more than once (its first attempt timed out or met a 5xx, and the client retried) may
/// have landed the first time: the retry then meets the app's own entity and answers 409. This policy counts the attempts
/// of the call in flight on the current async flow, so <see cref="TableOperations.AddIfAbsentAsync"/> can tell "taken by
/// someone else" from "taken by our own first attempt" (a slow store under load, not an edge case).
/// </summary>
public sealed class RetriedWrites : HttpPipelineSynchronousPolicy
{
    private static readonly AsyncLocal<StrongBox<int>?> Current = new();

    /// <summary>Starts counting the attempts of the next storage call made on this async flow.</summary>
    public static StrongBox<int> Track() => Current.Value = new StrongBox<int>();

    public override void OnSendingRequest(HttpMessage message)
    {
        if (Current.Value is { } attempts) Interlocked.Increment(ref attempts.Value);
    }

    /// <summary>
    /// After a retried add met 409: the stored entity's ETag when it holds every property the add sent (the first attempt
    /// landed), null when it differs (someone else's entity).
    /// </summary>
    public static async Task<string?> OwnEntityETagAsync(TableClient table, ITableEntity sent, CancellationToken ct)
    {
        if (sent is not TableEntity mine) return null;
        var stored = await table.GetEntityIfExistsAsync<TableEntity>(sent.PartitionKey, sent.RowKey, cancellationToken: ct);
        if (!stored.HasValue || stored.Value is not { } theirs) return null;
        foreach (var (name, value) in mine)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" || value is null) continue;
            if (!theirs.TryGetValue(name, out var other) || !Same(value, other)) return null;
        }
        return theirs.ETag.ToString();
    }

    /// <summary>
    /// After a retried entity-group transaction failed (409/412/404): each action's ETag when every entity it wrote is stored
    /// as sent (the first attempt committed: a transaction lands whole or not at all), else null. A transaction of deletes
    /// only leaves nothing to recognise and stays failed.
    /// </summary>
    public static async Task<IReadOnlyList<string?>?> CommittedETagsAsync(TableClient table, IReadOnlyList<TableTransactionAction> actions,
        CancellationToken ct)
    {
        var etags = new string?[actions.Count];
        var witnessed = false;
        for (var i = 0; i < actions.Count; i++)
        {
            if (actions[i].ActionType == TableTransactionActionType.Delete) continue;
            if (await OwnEntityETagAsync(table, actions[i].Entity, ct) is not { } etag) return null;
            (etags[i], witnessed) = (etag, true);
        }
        return witnessed ? etags : null;
    }

    private static bool Same(object a, object? b) => (a, b) switch
    {
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (BinaryData x, byte[] y) => x.ToMemory().Span.SequenceEqual(y),
        (DateTime x, DateTimeOffset y) => new DateTimeOffset(DateTime.SpecifyKind(x, DateTimeKind.Utc)) == y,
        (DateTimeOffset x, DateTimeOffset y) => x == y,
        (int x, long y) => x == y,
        (long x, int y) => x == y,
        _ => Equals(a, b),
    };
}
