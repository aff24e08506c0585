using Licensing.Domain.Licenses;

namespace Licensing.Domain.Activity;

/// <summary>
/// Suspends a license the first time the sharing signal fires in a window, on plans that ask for it
/// (<c>autoSuspendOnSharing</c>, docs/abuse.md); the suspension says "sharing".
/// </summary>
public sealed class SharingAutoSuspend(LicenseService licenses) : IActivityBatchConsumer
{
    public const string Reason = "sharing";

    /// <summary>Who the audit log says suspended the license.</summary>
    public static readonly Audit.Actor Actor = Audit.Actor.System("timer:sharing-auto-suspend");

    public async Task ConsumeAsync(ActivityBatch batch, CancellationToken ct)
    {
        Exception? firstFailure = null;
        foreach (var flushed in batch.Licenses)
        {
            if (!flushed.NewlySuspected || !flushed.Recorded.AutoSuspend) continue;
            try
            {
                await licenses.SuspendAsync(flushed.Recorded.AccountId, flushed.Recorded.LicenseId, Actor, Reason, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                firstFailure ??= e; // one license's failure does not hold back the others
            }
        }
        if (firstFailure is not null) throw firstFailure;
    }
}
