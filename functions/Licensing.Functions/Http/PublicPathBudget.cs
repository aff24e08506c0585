using Licensing.Domain.Common;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Http;

/// <summary>
/// The time the public hot path (validate, activate, deactivate, usage, health) may wait on its dependencies before it
/// answers 503 with Retry-After: <see cref="LicensingOptions.PublicPathBudgetSeconds"/> (2.5 s by default), well inside
/// any client's timeout, however a store hangs. A shipped product keeps its last certificate and asks again; a dead
/// store never holds a caller for the storage client's own retries (3 × 10 s). Timed on the app's clock, from when the work first waits.
/// </summary>
public sealed class PublicPathBudget(IOptions<LicensingOptions> options, TimeProvider clock)
{
    public TimeSpan Budget { get; } = TimeSpan.FromSeconds(Math.Clamp(options.Value.PublicPathBudgetSeconds, 0.5, 30));

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken requestAborted) =>
        await RunAsync(work, static (work, t) => new ValueTask<T>(work(t)), requestAborted);

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>, for work given its state (no closure) that answers
    /// with a <see cref="ValueTask{T}"/>: work served from memory then allocates no task at all.
    /// </summary>
    public async ValueTask<T> RunAsync<TState, T>(TState state, Func<TState, CancellationToken, ValueTask<T>> work, CancellationToken requestAborted)
    {
        // One source per request, cancelled by the budget's timer on the app's clock or when the client goes away (a registration, not a
        // second linked source); a cancellation with the client still there is the budget's. Work served from memory is done before it
        // first waits: then there is nothing to time, and the timer and the registration are made only for work that does wait.
        using var deadline = new CancellationTokenSource();
        ITimer? timer = null;
        CancellationTokenRegistration aborted = default;
        try
        {
            var task = work(state, deadline.Token);
            if (!task.IsCompleted)
            {
                timer = clock.CreateTimer(static source => ((CancellationTokenSource)source!).Cancel(), deadline, Budget, Timeout.InfiniteTimeSpan);
                aborted = requestAborted.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline);
            }
            return await task;
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !requestAborted.IsCancellationRequested && IsCancellation(e))
        {
            throw new ServiceUnavailableException($"storage did not answer within {Budget.TotalSeconds:0.#} s; try again shortly", e);
        }
        finally
        {
            timer?.Dispose();
            aborted.Dispose();
        }
    }

    /// <summary>
    /// The budget's cancellation as it reaches us: itself, or (when the storage client had already retried after timeouts)
    /// inside the client's AggregateException of every attempt.
    /// </summary>
    private static bool IsCancellation(Exception e) =>
        e is OperationCanceledException || (e is AggregateException a && a.Flatten().InnerExceptions.Any(i => i is OperationCanceledException));
}
