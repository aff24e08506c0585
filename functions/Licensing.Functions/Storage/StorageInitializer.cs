using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Storage;

/// <summary>
/// Creates the tables and queues at start. Start-up waits for them a short while (<see cref="FirstAttempt"/>); a slow store's
/// creation then goes on in the background, never cancelled and begun again: a store that is merely slow (a cold start, a busy
/// emulator) has its tables and queues as soon as it can answer. If storage is down, the app still starts (and answers 503)
/// while this keeps trying, every <see cref="RetryDelay"/>.
/// </summary>
/// <param name="firstAttempt">How long start-up waits (<see cref="FirstAttempt"/> unless given).</param>
public sealed class StorageInitializer(TableStorage tables, QueueStorage queues, ILogger<StorageInitializer> logger, TimeSpan? firstAttempt = null)
    : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _creating;

    /// <summary>How long start-up waits by default for the tables and queues before it leaves their creation to the background.</summary>
    public static readonly TimeSpan FirstAttempt = TimeSpan.FromSeconds(5);

    /// <summary>The pause after a failed attempt before the next.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Completes once every table and queue exists (or when the host stops first).</summary>
    public Task Created => _creating ?? Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _creating = Task.Run(CreateUntilDoneAsync, CancellationToken.None);
        try
        {
            await _creating.WaitAsync(firstAttempt ?? FirstAttempt, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Storage has not created the tables and queues within {Seconds} s; start-up goes on while it does",
                (firstAttempt ?? FirstAttempt).TotalSeconds);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_creating is not null) await _creating.WaitAsync(cancellationToken);
    }

    private async Task CreateUntilDoneAsync()
    {
        while (!await TryCreateAsync(_stopping.Token))
        {
            // Stopping cancels the pause at once (and a pause begun after the stop throws at once): no attempt follows.
            try { await Task.Delay(RetryDelay, _stopping.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task<bool> TryCreateAsync(CancellationToken ct)
    {
        try
        {
            foreach (var name in TableStorage.AllTables)
                await tables.Service.CreateTableIfNotExistsAsync(name, ct);
            foreach (var name in QueueStorage.AllQueues)
                await queues.Queue(name).CreateIfNotExistsAsync(cancellationToken: ct);
            return true;
        }
        catch (Exception e) when (StorageFaults.IsUnavailable(e, ct) || e is Azure.RequestFailedException || ct.IsCancellationRequested)
        {
            // Once stopping, whatever a hung store's client throws is that cancellation, not a fault: the host stops cleanly and a
            // later start tries again.
            if (ct.IsCancellationRequested) return false;
            logger.LogWarning("Storage is not reachable yet ({Message}); tables will be created when it is", e.Message);
            return false;
        }
    }
}
