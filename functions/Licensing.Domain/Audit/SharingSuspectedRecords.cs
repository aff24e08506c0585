using System.Text.Json.Nodes;
using Licensing.Domain.Activity;

namespace Licensing.Domain.Audit;

/// <summary>
/// Journals <c>license.sharing_suspected</c> the first time the sharing signal fires for a license in a window, with
/// what fired it, so the audit log and webhooks hear of it. The activity (another table) cannot share a transaction
/// with the journal, so the activity write that fires the signal also marks it fired (<c>SharingFiredAt</c>), and the
/// record's id and time follow from that mark: it is journaled after that write, and again after the license's next
/// activity write, which clears the mark. A crash or fault between the activity write and the journal therefore loses
/// nothing, and the second journaling is the same record, which consumers take once (docs/audit.md).
/// </summary>
public sealed class SharingSuspectedRecords(IChangeJournal journal, IChangeNotifier? changes = null) : IActivityBatchConsumer
{
    public static readonly Actor Actor = Actor.System("timer:activity-flush");

    public async Task ConsumeAsync(ActivityBatch batch, CancellationToken ct)
    {
        var records = new List<ChangeRecord>();
        foreach (var flushed in batch.Licenses)
        {
            if (flushed.SharingToJournal is not { SharingFiredAt: { } fired } written) continue;
            var at = DateTimeOffset.FromUnixTimeMilliseconds(fired.ToUnixTimeMilliseconds());
            var record = new ChangeRecord(LicenseChanges.FixedId(at, $"sharing|{flushed.Recorded.AccountId}|{flushed.Recorded.LicenseId}"),
                flushed.Recorded.AccountId, at, Actor, LicenseChanges.SharingSuspected,
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
