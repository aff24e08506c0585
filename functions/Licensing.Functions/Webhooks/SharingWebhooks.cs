using Licensing.Domain.Activity;
using Licensing.Domain.Audit;

namespace Licensing.Functions.Webhooks;

/// <summary>
/// <c>license.sharing_suspected</c>: the sharing signal is not a license write, so it is not in the change journal; the
/// activity flusher hands this consumer each batch it wrote, and a license whose signal fired for the first time in its
/// window becomes a change for the webhook consumer. Its id is fixed by the license and the time the signal fired, so a
/// batch handed over twice makes one message.
/// </summary>
public sealed class SharingWebhooks(WebhookChangeConsumer webhooks) : IActivityBatchConsumer
{
    public static readonly Actor Actor = Actor.System("activity:sharing");

    public async Task ConsumeAsync(ActivityBatch batch, CancellationToken ct)
    {
        Exception? firstFailure = null;
        foreach (var flushed in batch.Licenses)
        {
            if (!flushed.NewlySuspected) continue;
            var at = flushed.Written.SharingSuspectedAt ?? batch.FlushedAt;
            var licenseId = flushed.Recorded.LicenseId;
            var change = new ChangeRecord($"sharing-{licenseId}-{at.UtcTicks}", flushed.Recorded.AccountId, at, Actor, LicenseChanges.SharingSuspected,
                new ChangeTarget(LicenseChanges.LicenseTarget, licenseId), null, licenseId);
            try
            {
                await webhooks.ConsumeAsync(change, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                firstFailure ??= e; // one license's failure does not hold back the others
            }
        }
        if (firstFailure is not null) throw firstFailure;
    }
}
