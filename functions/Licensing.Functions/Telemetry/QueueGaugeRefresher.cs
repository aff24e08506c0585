using Licensing.Domain.Telemetry;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Telemetry;

/// <summary>
/// Reads the queues every <see cref="TelemetryOptions.GaugeRefreshSeconds"/> and publishes the readings to the queue gauges
/// (<see cref="QueueGauges"/>): depth and poison count per queue, the e-mail outbox's depth and oldest age. An unreachable store
/// leaves the last readings in place until the next round.
/// </summary>
public sealed class QueueGaugeRefresher(QueueProbe probe, IOptions<LicensingOptions> options, ILogger<QueueGaugeRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.Telemetry.GaugeRefreshSeconds));
        try
        {
            do
            {
                try
                {
                    QueueGauges.Publish(await probe.ReadAllAsync(stoppingToken));
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogDebug("Queue gauges not refreshed: {Error}", e.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
