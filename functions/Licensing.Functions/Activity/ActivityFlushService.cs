using Licensing.Domain.Activity;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Activity;

/// <summary>
/// Flushes validation activity every <c>Licensing:ActivityFlushSeconds</c> (default 10) and once more at shutdown.
/// A crash loses at most one interval of activity: telemetry, never a verdict or a license state.
/// </summary>
public sealed class ActivityFlushService(ActivityFlusher flusher, IOptions<LicensingOptions> options, ILogger<ActivityFlushService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.ActivityFlushSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
            await FlushOnceAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushOnceAsync(cancellationToken);
    }

    private async Task FlushOnceAsync(CancellationToken ct)
    {
        try
        {
            await flusher.FlushAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Activity flush failed; activity not written is retried with the next batch");
        }
    }
}
