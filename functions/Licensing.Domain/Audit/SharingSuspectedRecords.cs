using System.Text.Json.Nodes;
using Licensing.Domain.Activity;

namespace Licensing.Domain.Audit;

/// <summary>
/// Journals <c>license.sharing_suspected</c> the first time the sharing signal fires for a license in a window, with
/// what fired it, so the audit log and webhooks hear of it. It follows the activity write (another table), so unlike a
/// license change it is not in the same atomic write: a crash between the two loses the record (docs/audit.md).
/// </summary>
public sealed class SharingSuspectedRecords(IChangeJournal journal, TimeProvider clock, IChangeNotifier? changes = null) : IActivityBatchConsumer
{
    public static readonly Actor Actor = Actor.System("timer:activity-flush");

    public async Task ConsumeAsync(ActivityBatch batch, CancellationToken ct)
    {
        var records = new List<ChangeRecord>();
        foreach (var flushed in batch.Licenses)
        {
            if (!flushed.NewlySuspected) continue;
            var now = clock.GetUtcNow();
            var written = flushed.Written;
            var record = new ChangeRecord(LicenseChanges.NewId(now), flushed.Recorded.AccountId, now, Actor, LicenseChanges.SharingSuspected,
                new ChangeTarget(LicenseChanges.LicenseTarget, flushed.Recorded.LicenseId), new Dictionary<string, FieldChange>
                {
                    ["sharing.distinctDomains"] = new(null, JsonValue.Create(written.WindowDomains.Count)),
                    ["sharing.distinctAddresses"] = new(null, JsonValue.Create(written.WindowAddresses.Count)),
                    ["sharing.windowStart"] = new(null, JsonValue.Create(written.WindowStart)),
                }, flushed.Recorded.LicenseId);
            await journal.AddAsync(record, ct).ConfigureAwait(false);
            records.Add(record);
        }
        if (records.Count > 0 && changes is not null) await changes.NotifyAsync(records, ct).ConfigureAwait(false);
    }
}
