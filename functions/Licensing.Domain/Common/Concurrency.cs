namespace Licensing.Domain.Common;

/// <summary>A conditional write lost a race (ETag mismatch); the caller re-reads and tries again.</summary>
public sealed class ConcurrencyException(string message) : Exception(message);

public static class Concurrency
{
    public const int MaxAttempts = 8;

    /// <summary>Runs a read-modify-write until its conditional write wins, at most <see cref="MaxAttempts"/> times.</summary>
    public static Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken ct) => RetryAsync(attempt, MaxAttempts, ct);

    /// <summary>Runs a read-modify-write until its conditional write wins, at most <paramref name="maxAttempts"/> times.</summary>
    public static async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> attempt, int maxAttempts, CancellationToken ct)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt(ct).ConfigureAwait(false);
            }
            catch (ConcurrencyException) when (i < maxAttempts)
            {
                await Task.Delay(Random.Shared.Next(1, 5 * i), ct).ConfigureAwait(false);
            }
            catch (ConcurrencyException e)
            {
                throw new ServiceUnavailableException("the resource is changing too quickly; try again", e) { RetryAfterSeconds = 1 };
            }
        }
    }
}
