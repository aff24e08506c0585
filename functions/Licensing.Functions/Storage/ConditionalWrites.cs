using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Common;

namespace Licensing.Functions.Storage;

/// <summary>The optimistic-concurrency write the adapters share.</summary>
public static class ConditionalWrites
{
    /// <summary>
    /// Replaces <paramref name="entity"/> only if it still has ETag <paramref name="version"/>; returns its new ETag.
    /// <see cref="ConcurrencyException"/> (saying <paramref name="changed"/>) when it changed or is gone, for the
    /// caller's read-modify-write loop to re-read.
    /// </summary>
    public static Task<string?> ReplaceIfUnchangedAsync(this TableClient table, TableEntity entity, string version, string changed, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                var r = await table.UpdateEntityAsync(entity, new ETag(version), TableUpdateMode.Replace, ct);
                return r.Headers.ETag?.ToString();
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                throw new ConcurrencyException(changed);
            }
        }, ct);
}
