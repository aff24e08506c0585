using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Common;

namespace Licensing.Functions.Storage;

/// <summary>
/// The Table operations every adapter uses, in the Azure.Data.Tables idioms: a miss is null
/// (<c>GetEntityIfExistsAsync</c>), an add that finds the keys taken is false (409), a conditional replace names the
/// change (412) or the loss (404). Each runs inside the storage fault guard (<see cref="StorageFaults"/>), so an
/// outage is 503 wherever it happens, and this is the only place that reads 404/409/412 off a storage error.
/// </summary>
public static class TableOperations
{
    /// <summary>One point read; null when there is no such entity.</summary>
    public static Task<TableEntity?> GetIfExistsAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken ct) =>
        table.GetIfExistsAsync(partitionKey, rowKey, null, ct);

    /// <summary>One point read of the properties in <paramref name="select"/>; null when there is no such entity.</summary>
    public static Task<TableEntity?> GetIfExistsAsync(this TableClient table,
        string partitionKey, string rowKey, IEnumerable<string>? select, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select, ct);
            return r.HasValue ? r.Value : null;
        }, ct);

    /// <summary>
    /// Adds the entity unless one with its keys exists: its new ETag, or null when the keys were taken (409). A 409 met by
    /// the client's retry of this add is ours when the stored entity is the one sent (<see cref="RetriedWrites"/>).
    /// </summary>
    public static Task<string?> AddIfAbsentAsync(this TableClient table, ITableEntity entity, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var attempts = RetriedWrites.Track();
            try
            {
                var r = await table.AddEntityAsync(entity, ct);
                return r.Headers.ETag?.ToString() ?? "";
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                return attempts.Value > 1 ? await RetriedWrites.OwnEntityETagAsync(table, entity, ct) : null;
            }
        }, ct);

    /// <summary>
    /// Replaces (or merges) the entity only if it still has ETag <paramref name="version"/> (<c>*</c> for any); returns
    /// its new ETag. <see cref="ConcurrencyException"/> (saying <paramref name="changed"/>) when it changed (412), and
    /// when it is gone (404) unless <paramref name="gone"/> is given, then <see cref="NotFoundException"/> saying that.
    /// </summary>
    public static Task<string?> ReplaceIfMatchAsync(this TableClient table, ITableEntity entity, string version, string changed, CancellationToken ct) =>
        table.ReplaceIfMatchAsync(entity, version, changed, null, TableUpdateMode.Replace, ct);

    /// <inheritdoc cref="ReplaceIfMatchAsync(TableClient, ITableEntity, string, string, CancellationToken)"/>
    public static Task<string?> ReplaceIfMatchAsync(this TableClient table, ITableEntity entity,
        string version, string changed, string? gone, TableUpdateMode mode, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var attempts = RetriedWrites.Track();
            try
            {
                var r = await table.UpdateEntityAsync(entity, new ETag(version), mode, ct);
                return r.Headers.ETag?.ToString();
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // A retry by the client may meet the ETag its own first attempt had changed: that write is this one.
                if (e.Status == 412 && attempts.Value > 1 && await RetriedWrites.OwnEntityETagAsync(table, entity, ct) is { } landed) return landed;
                if (e.Status == 404 && gone is not null) throw new NotFoundException(gone);
                throw new ConcurrencyException(changed);
            }
        }, ct);

    /// <summary>
    /// Adds the entity when <paramref name="version"/> is null (it was not there when read), else replaces it if
    /// unchanged since: the read-modify-write of a counter row. <see cref="ConcurrencyException"/> when someone else
    /// wrote first (409, 412 or 404).
    /// </summary>
    public static async Task<string?> AddOrReplaceIfMatchAsync(this TableClient table,
        ITableEntity entity, string? version, string changed, TableUpdateMode mode, CancellationToken ct)
    {
        if (version is not null) return await table.ReplaceIfMatchAsync(entity, version, changed, null, mode, ct);
        return await table.AddIfAbsentAsync(entity, ct) ?? throw new ConcurrencyException(changed);
    }

    /// <summary>Replaces (or merges into) the entity whatever its ETag, if it exists; false when it is gone (404).</summary>
    public static Task<bool> ReplaceIfExistsAsync(this TableClient table, ITableEntity entity, TableUpdateMode mode, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                await table.UpdateEntityAsync(entity, ETag.All, mode, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return false;
            }
        }, ct);

    /// <summary>Writes the entity whether or not it exists (replacing it, or merging into it).</summary>
    public static Task UpsertAsync(this TableClient table, ITableEntity entity, CancellationToken ct) => table.UpsertAsync(entity, TableUpdateMode.Replace, ct);

    /// <summary>Writes the entity whether or not it exists, replacing it or merging into it as <paramref name="mode"/> says.</summary>
    public static Task UpsertAsync(this TableClient table, ITableEntity entity, TableUpdateMode mode, CancellationToken ct) =>
        StorageFaults.Guard(() => table.UpsertEntityAsync(entity, mode, ct), ct);

    /// <summary>
    /// Deletes the entity if it exists and, when <paramref name="version"/> is given, is unchanged since; false when
    /// it was gone (404) or had changed (412): either way the caller leaves it.
    /// </summary>
    public static Task<bool> DeleteIfExistsAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken ct) =>
        table.DeleteIfExistsAsync(partitionKey, rowKey, null, ct);

    /// <inheritdoc cref="DeleteIfExistsAsync(TableClient, string, string, CancellationToken)"/>
    public static Task<bool> DeleteIfExistsAsync(this TableClient table, string partitionKey, string rowKey, string? version, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                // With If-Match: * a missing entity answers 404 without an exception.
                var r = await table.DeleteEntityAsync(partitionKey, rowKey, version is null ? ETag.All : new ETag(version), ct);
                return r.Status != 404;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                return false;
            }
        }, ct);

    /// <summary>Every entity the filter matches (up to <paramref name="limit"/>), mapped; for small result sets such as one partition.</summary>
    public static Task<IReadOnlyList<T>> QueryAsync<T>(this TableClient table, string filter, Func<TableEntity, T> map, CancellationToken ct) =>
        table.QueryAsync(filter, map, new QueryShape(), ct);

    /// <summary>Every entity the filter matches, in pages and up to the limit of <paramref name="shape"/>, mapped.</summary>
    public static Task<IReadOnlyList<T>> QueryAsync<T>(this TableClient table,
        string filter, Func<TableEntity, T> map, QueryShape shape, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var result = new List<T>();
            await foreach (var e in table.QueryAsync<TableEntity>(filter, shape.MaxPerPage, shape.Select, ct))
            {
                if (result.Count >= shape.Limit) break;
                result.Add(map(e));
            }
            return (IReadOnlyList<T>)result;
        }, ct);

    /// <summary>
    /// One page of a query from storage's continuation token: the entities and the token of the next page (null at the end); with
    /// <paramref name="select"/>, only those properties (and each entity's keys and ETag).
    /// </summary>
    public static Task<(IReadOnlyList<TableEntity> Values, string? ContinuationToken)> QueryPageAsync(this TableClient table,
        string filter, int pageSize, string? continuationToken, CancellationToken ct, IEnumerable<string>? select = null) =>
        StorageFaults.Guard(async () =>
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, select, ct).AsPages(continuationToken, pageSize))
                return ((IReadOnlyList<TableEntity>)page.Values, page.ContinuationToken);
            return ([], (string?)null);
        }, ct);

    /// <summary>
    /// Deletes what the filter matches, page by page, at most <paramref name="max"/> rows, each only if unchanged since it
    /// was read (a row refreshed meanwhile stays): for timer jobs.
    /// </summary>
    public static async Task<int> DeleteMatchingAsync(this TableClient table, string filter, int max, CancellationToken ct)
    {
        var deleted = 0;
        string? token = null;
        do
        {
            var (rows, next) = await table.QueryPageAsync(filter, 100, token, ct);
            foreach (var e in rows)
            {
                if (deleted >= max) return deleted;
                if (await table.DeleteIfExistsAsync(e.PartitionKey, e.RowKey, e.ETag.ToString(), ct)) deleted++;
            }
            token = next;
        }
        while (token is not null && deleted < max);
        return deleted;
    }

    /// <summary>A query streamed page by page (a scan for the timer jobs), each page read inside the fault guard.</summary>
    public static async IAsyncEnumerable<TableEntity> ScanAsync(this TableClient table,
        string filter, int maxPerPage, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var entities = table.QueryAsync<TableEntity>(filter, maxPerPage, cancellationToken: ct).GetAsyncEnumerator(ct);
        while (await StorageFaults.Guard(async () => await entities.MoveNextAsync(), ct))
            yield return entities.Current;
    }

    /// <summary>
    /// Submits an entity-group transaction: committed (with each action's new ETag), or which action failed and why
    /// when the reason is one the caller decides on (404, 409, 412). Anything else is a fault or a bug and is thrown.
    /// A failure met by the client's retry of a transaction whose first attempt committed is that commit (<see cref="RetriedWrites"/>).
    /// </summary>
    public static Task<TransactionOutcome> SubmitIfAsync(this TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var list = actions as IReadOnlyList<TableTransactionAction> ?? actions.ToList();
            var attempts = RetriedWrites.Track();
            try
            {
                var r = await table.SubmitTransactionAsync(list, ct);
                return new TransactionOutcome(r.Value.Select(a => a.Headers.ETag?.ToString()).ToArray());
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
            {
                return attempts.Value > 1 && await RetriedWrites.CommittedETagsAsync(table, list, ct) is { } etags
                    ? new TransactionOutcome(etags)
                    : new TransactionOutcome([], e.Status, e.FailedTransactionActionIndex);
            }
        }, ct);

    /// <summary>Submits an entity-group transaction that is expected to commit; returns the ETag of each action's entity.</summary>
    public static Task<IReadOnlyList<string?>> SubmitAsync(this TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var r = await table.SubmitTransactionAsync(actions, ct);
            return (IReadOnlyList<string?>)r.Value.Select(a => a.Headers.ETag?.ToString()).ToArray();
        }, ct);
}

/// <summary>A query's page size, the properties it selects and the most entities it returns.</summary>
public sealed record QueryShape(int? MaxPerPage = null, IReadOnlyList<string>? Select = null, int Limit = int.MaxValue);

/// <summary>
/// What an entity-group transaction did: committed with each action's new ETag, or failed with the status and the
/// index of the action that failed (if known).
/// </summary>
public sealed record TransactionOutcome(IReadOnlyList<string?> ETags, int? FailedStatus = null, int? FailedIndex = null)
{
    public bool Committed => FailedStatus is null;
}
