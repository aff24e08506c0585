namespace Licensing.Domain.Telemetry;

/// <summary>The last run of one timer-triggered function: when it started and finished, and how (an error type only, never a message).</summary>
public sealed record TimerRun(string Name, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Outcome, string? Error)
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>Where the last run of each timer is kept, so the readiness view can show it whichever instance ran it.</summary>
public interface ITimerRunStore
{
    Task UpsertAsync(TimerRun run, CancellationToken ct);

    Task<IReadOnlyList<TimerRun>> ListAsync(CancellationToken ct);
}
