using Licensing.Functions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NCrontab;

namespace Licensing.LocalHost;

/// <summary>
/// Fires the same timer-triggered functions on their NCRONTAB schedules in UTC, parsed by NCrontab as the Functions
/// timer extension does (six fields, seconds first). A failed run is logged and the next occurrence still fires.
/// </summary>
internal sealed class LocalTimerRunner(IServiceProvider services, FunctionCatalog catalog, TimeProvider clock, IOptions<LocalHostOptions> options,
    ILogger<LocalTimerRunner> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.DisableTimers ? Task.CompletedTask : Task.WhenAll(catalog.Timers.Select(f => RunAsync(f, stoppingToken)));

    private async Task RunAsync(TimerFunction function, CancellationToken ct)
    {
        if (function.RunOnStartup) await FireAsync(function, ct);
        while (!ct.IsCancellationRequested)
        {
            var due = TimerSchedules.Next(function.Schedule, clock.GetUtcNow());
            try
            {
                // In steps of at most a day: Task.Delay takes under 50 days, a schedule may be yearly.
                for (var wait = due - clock.GetUtcNow(); wait > TimeSpan.Zero; wait = due - clock.GetUtcNow())
                    await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), clock, ct);
            }
            catch (OperationCanceledException) { return; }
            await FireAsync(function, ct);
        }
    }

    private async Task FireAsync(TimerFunction function, CancellationToken ct)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            // Recorded for the readiness view, as the worker's timer middleware does in Azure.
            await scope.ServiceProvider.GetRequiredService<TimerRunRecorder>()
                .RunAsync(function.Name, () => FunctionInvoker.Start(scope.ServiceProvider, function.Method, function.Arguments, ct), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Timer {Function} failed", function.Name);
        }
    }
}

/// <summary>Timer schedules as the Functions timer extension reads them: six-field NCRONTAB (seconds first), in UTC.</summary>
public static class TimerSchedules
{
    private static readonly CrontabSchedule.ParseOptions SixFields = new() { IncludingSeconds = true };

    /// <summary>The parsed schedule, or null when <paramref name="expression"/> is not a six-field NCRONTAB expression.</summary>
    public static CrontabSchedule? TryParse(string expression) => CrontabSchedule.TryParse(expression, SixFields);

    /// <summary>The first occurrence of <paramref name="schedule"/> strictly after <paramref name="after"/> (UTC).</summary>
    public static DateTimeOffset Next(CrontabSchedule schedule, DateTimeOffset after) =>
        new(DateTime.SpecifyKind(schedule.GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));
}
