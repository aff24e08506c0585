using Licensing.Domain.HotRefresh;
using Licensing.Domain.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.HotRefresh;

/// <summary>
/// Runs a <see cref="HotRefresher"/> round every <c>Licensing:HotRefresh:IntervalSeconds</c> (default 1; 0: not at all) on
/// each instance, counting what it did on the <c>Licensing</c> meter. A failed round leaves entries to expire; it is logged
/// and the next round tries again.
/// </summary>
public sealed class HotRefreshService(HotRefresher refresher, ILogger<HotRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!refresher.Settings.Enabled) return;
        using var timer = new PeriodicTimer(refresher.Settings.Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var tally = await refresher.RunOnceAsync(stoppingToken);
                    LicensingMetrics.HotRefresh(tally.RangeRequests, tally.IdRequests, tally.PointLoads, tally.Refreshed, tally.Failures);
                    if (tally.Failures > 0) logger.LogDebug("Hot refresh: {Failures} reads failed; those entries expire as usual", tally.Failures);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Hot refresh round failed: {Error}", e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
