using Licensing.Domain.Telemetry;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Telemetry;

/// <summary>
/// Records each timer run (start, then finish and outcome) in <see cref="ITimerRunStore"/>, for the readiness view. Both hosts run
/// every timer through it: the Functions worker through <see cref="TimerRunMiddleware"/>, the local host from its timer runner.
/// A failure to record is logged and never fails the timer's own work.
/// </summary>
public sealed class TimerRunRecorder(ITimerRunStore runs, TimeProvider clock, ILogger<TimerRunRecorder> logger)
{
    public async Task RunAsync(string name, Func<Task> run, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        await RecordAsync(new TimerRun(name, started, null, TimerRun.Running, null), ct);
        try
        {
            await run();
        }
        catch (Exception e)
        {
            await RecordAsync(new TimerRun(name, started, clock.GetUtcNow(), TimerRun.Failed, e.GetType().Name), CancellationToken.None);
            throw;
        }
        await RecordAsync(new TimerRun(name, started, clock.GetUtcNow(), TimerRun.Succeeded, null), ct);
    }

    private async Task RecordAsync(TimerRun run, CancellationToken ct)
    {
        try
        {
            await runs.UpsertAsync(run, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Could not record the run of timer {Timer} ({Outcome}): {Error}", run.Name, run.Outcome, e.GetType().Name);
        }
    }
}
