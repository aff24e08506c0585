namespace Licensing.Domain.Activity;

/// <summary>One license's activity as the flusher wrote it.</summary>
/// <param name="Recorded">What was recorded in memory since the last flush (counts, policies seen).</param>
/// <param name="Written">The activity as stored now.</param>
/// <param name="NewlySuspected">The sharing signal fired for the first time in the current window.</param>
/// <param name="FirstValidationSeconds">Seconds from issue to the license's first validation, when this flush wrote it.</param>
public sealed record FlushedActivity(ActivityRecorder.Pending Recorded, LicenseActivity Written, bool NewlySuspected, long? FirstValidationSeconds)
{
    /// <summary>
    /// The activity whose sharing signal is to be journaled: the one just written when the signal fired in this flush,
    /// else the stored one when the previous write fired it (its record may not have been journaled: a crash or a fault
    /// between the two writes). Journaled under a fixed id, so twice is once (docs/audit.md).
    /// </summary>
    public LicenseActivity? SharingToJournal { get; init; }
}

/// <summary>The licenses one flush wrote, and when.</summary>
public sealed record ActivityBatch(IReadOnlyList<FlushedActivity> Licenses, DateTimeOffset FlushedAt);

/// <summary>
/// What follows from validation activity once it is written (metrics, quota, sharing auto-suspend): each consumer sees
/// every flushed batch once. Its failures are reported, not retried: the activity itself is already written.
/// </summary>
public interface IActivityBatchConsumer
{
    Task ConsumeAsync(ActivityBatch batch, CancellationToken ct);
}
