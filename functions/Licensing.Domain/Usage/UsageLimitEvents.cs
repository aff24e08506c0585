using System.Text.Json.Nodes;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Usage;

/// <summary>
/// Journals <c>usage.limit_reached</c> once per license and period, when a report brings the period's exact total to
/// the limit or past it. The crossing is claimed by an only-if-absent <b>mark</b> in the usage ledger that fixes the
/// record (id, time, totals): of any number of concurrent reports, one adds it and every other reads it. The record is
/// then journaled under that fixed id and the mark is set journaled. A stop between the usage write and the journal
/// (a crash, a storage fault answered 503) is completed by the next report of that license in the period (a retry of
/// the same report included): it finds the total at the limit and the mark not journaled, and journals the same
/// record again. Consumers dedupe by the record's id and time, so a record journaled twice is one audit entry and one
/// webhook message. docs/audit.md, docs/license-models.md.
/// </summary>
public sealed class UsageLimitEvents(IUsageLimitMarks marks, IChangeJournal journal, TimeProvider clock, IChangeNotifier? changes = null)
{
    public static readonly Actor Actor = Actor.Customer();

    /// <summary>Periods this instance saw journaled: an over-limit license's further reports cost no read.</summary>
    private readonly TtlCache<(string, string, string), bool> _journaled = new(clock, TimeSpan.FromHours(1));

    /// <summary>Called after every report with the period's exact total (recorded or duplicate).</summary>
    public async Task OnTotalAsync(License license, string period, long? limit, long total, CancellationToken ct)
    {
        if (limit is not { } max || total < max) return;
        await _journaled.GetAsync((license.AccountId, license.Id, period), (license, period, max, total),
            (s, token) => JournalAsync(s.license, s.period, s.max, s.total, token), ct).ConfigureAwait(false);
    }

    private async Task<bool> JournalAsync(License license, string period, long limit, long total, CancellationToken ct)
    {
        var mark = await marks.GetLimitMarkAsync(license.AccountId, license.Id, period, ct).ConfigureAwait(false);
        if (mark is null)
        {
            var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds()); // stored and read back alike
            var fresh = new UsageLimitMark(LicenseChanges.FixedId(now, $"usage|{license.AccountId}|{license.Id}|{period}"), now, total, limit, false);
            mark = await marks.AddLimitMarkAsync(license.AccountId, license.Id, period, fresh, ct).ConfigureAwait(false)
                ? fresh
                : await marks.GetLimitMarkAsync(license.AccountId, license.Id, period, ct).ConfigureAwait(false)
                    ?? throw new ConcurrencyException("a usage limit mark went away while it was claimed");
        }
        if (mark.Journaled) return true;
        var record = Record(license, period, mark);
        await journal.AddAsync(record, ct).ConfigureAwait(false);
        await marks.MarkLimitJournaledAsync(license.AccountId, license.Id, period, ct).ConfigureAwait(false);
        if (changes is not null) await changes.NotifyAsync([record], ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The record a mark stands for: the same whoever makes it, so journaling it twice is one change.</summary>
    public static ChangeRecord Record(License license, string period, UsageLimitMark mark) =>
        new(mark.ChangeId, license.AccountId, mark.At, Actor, LicenseChanges.UsageLimitReached, new ChangeTarget(LicenseChanges.LicenseTarget, license.Id),
            new Dictionary<string, FieldChange>
            {
                ["usage.period"] = new(null, JsonValue.Create(period)),
                ["usage.used"] = new(null, JsonValue.Create(mark.Used)),
                ["usage.limit"] = new(null, JsonValue.Create(mark.Limit)),
            }, license.Id);
}

/// <summary>A period's claim on its <c>usage.limit_reached</c> record: the record's id and time, the totals when it was reached.</summary>
public sealed record UsageLimitMark(string ChangeId, DateTimeOffset At, long Used, long Limit, bool Journaled);
