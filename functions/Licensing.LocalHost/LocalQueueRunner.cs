using Azure.Storage.Queues.Models;
using Licensing.Functions.Hosting;
using Licensing.Functions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.LocalHost;

/// <summary>
/// Drives the same queue-triggered function classes from Azurite queues the way the Functions
/// host does — receive a batch, invoke, delete on success; on failure make the message visible again after host.json's
/// visibilityTimeout; after maxDequeueCount failed attempts move it to <c>{queue}-poison</c>.
/// </summary>
internal sealed class LocalQueueRunner(IServiceProvider services, FunctionCatalog catalog, QueueStorage queues, IOptions<LocalHostOptions> options,
    ILogger<LocalQueueRunner> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private TimeSpan RetryDelay => options.Value.QueueRetryDelay;

    private TimeSpan MaxPolling => options.Value.MaxPolling;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.DisableQueues ? Task.CompletedTask : Task.WhenAll(catalog.Queues.Select(f => Task.Run(() => PollAsync(f, stoppingToken), stoppingToken)));

    private async Task PollAsync(QueueFunction function, CancellationToken ct)
    {
        var queue = queues.Queue(function.Queue);
        var poison = queues.Queue(function.Queue + QueueStorage.PoisonSuffix);
        var idle = TimeSpan.FromMilliseconds(50);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: ct);
                await poison.CreateIfNotExistsAsync(cancellationToken: ct);
                // A receive cannot be taken back once sent: the service may dequeue messages even if the caller stops
                // waiting. So it is not cancelled, and what it brings after shutdown began is handed back at once
                // (left alone, it would stay invisible for the whole lease).
                var batch = (await queue.ReceiveMessagesAsync(HostSettings.BatchSize, Lease, CancellationToken.None)).Value;
                if (ct.IsCancellationRequested)
                {
                    await Task.WhenAll(batch.Select(m => HandBackAsync(queue, m)));
                    return;
                }
                if (batch.Length == 0)
                {
                    await Task.Delay(idle, ct);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxPolling.Ticks));
                    continue;
                }
                idle = TimeSpan.FromMilliseconds(50);
                await Task.WhenAll(batch.Select(m => HandleAsync(function, queue, poison, m, ct)));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Queue {Queue} poll failed: {Message}", function.Queue, e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task HandleAsync(QueueFunction function, Azure.Storage.Queues.QueueClient queue, Azure.Storage.Queues.QueueClient poison,
        QueueMessage message, CancellationToken ct)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            await FunctionInvoker.Start(scope.ServiceProvider, function.Method, function.Arguments, new QueueCall(message, ct));
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-message: hand it back at once instead of leaving it invisible for the lease.
            await HandBackAsync(queue, message);
        }
        catch (Exception e)
        {
            logger.LogWarning("{Function} failed on attempt {Attempt}: {Message}", function.Name, message.DequeueCount, e.Message);
            if (message.DequeueCount >= HostSettings.MaxDequeueCount)
            {
                await poison.SendMessageAsync(message.MessageText, ct);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: RetryDelay, cancellationToken: ct);
            }
        }
    }

    private static async Task HandBackAsync(Azure.Storage.Queues.QueueClient queue, QueueMessage message)
    {
        try
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
        catch (Exception)
        {
            // the lease runs out on its own
        }
    }
}
