using Azure;
using Licensing.Domain.Common;

namespace Licensing.Functions.Storage;

/// <summary>
/// Turns storage faults (no connection, timeouts, 5xx, throttling, a missing table) into
/// <see cref="ServiceUnavailableException"/>: the caller answers 503 with Retry-After, never a wrong verdict.
/// Errors that mean something (404 entity, 409, 412) are left for the adapter to interpret.
/// </summary>
public static class StorageFaults
{
    public static async Task<T> Guard<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (IsUnavailable(e, ct))
        {
            throw new ServiceUnavailableException("storage is unavailable; try again shortly", e);
        }
    }

    public static async Task Guard(Func<Task> operation, CancellationToken ct) =>
        await Guard(async () => { await operation(); return true; }, ct);

    public static bool IsUnavailable(Exception e, CancellationToken ct) => e switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500 || r.ErrorCode == "TableNotFound" || r.ErrorCode == "QueueNotFound",
        AggregateException a => a.InnerExceptions.All(i => IsUnavailable(i, ct)),
        HttpRequestException or TimeoutException or IOException => true,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };
}
