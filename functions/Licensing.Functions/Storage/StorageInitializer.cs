using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Storage;

/// <summary>
/// Creates the tables at start. If storage is down, the app still starts (and answers 503) while this keeps
/// trying in the background; it never blocks start-up for long.
/// </summary>
public sealed class StorageInitializer(TableStorage tables, QueueStorage queues, ILogger<StorageInitializer> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _background;

    /// <summary>How long start-up waits for the first attempt; a hung store is then left to the background loop.</summary>
    private static readonly TimeSpan FirstAttempt = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using (var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            first.CancelAfter(FirstAttempt);
            if (await TryCreateAsync(first.Token)) return;
        }
        _background = Task.Run(async () =>
        {
            while (!_stopping.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(5), _stopping.Token); }
                catch (OperationCanceledException) { return; }
                if (await TryCreateAsync(_stopping.Token)) return;
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_background is not null) await _background.WaitAsync(cancellationToken);
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
            // Once stopping (or past the first attempt's wait), whatever a hung store's client throws is that cancellation, not a fault:
            // the host stops cleanly and a later start tries again.
            logger.LogWarning("Storage is not reachable yet ({Message}); tables will be created when it is", e.Message);
            return false;
        }
    }
}
