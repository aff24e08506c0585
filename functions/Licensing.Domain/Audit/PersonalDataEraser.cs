using Licensing.Domain.Common;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Audit;

/// <summary>
/// Erasure of a customer's personal data (<c>POST /v1/customers/erase</c>, and license deletion): the licenses keep
/// working, counted in quotas and metrics, but lose the e-mail, metadata and activation names; e-mails to the address
/// leave the outbox; pending change records and the audit log are redacted, and so is every other table registered
/// as a <see cref="CustomerDataErasure"/> (the customer's portal sessions and links end). docs/managing-licenses.md.
/// </summary>
public sealed class PersonalDataEraser(ILicenseStore licenses, IChangeJournal journal, IAuditStore audit, IOutboxErasure outbox, TimeProvider clock,
    IChangeNotifier? changes = null, LicenseReadCache? cache = null, IEnumerable<CustomerDataErasure>? elsewhere = null)
{
    /// <summary>Erases <paramref name="email"/> from the account; returns how many licenses held it.</summary>
    public async Task<int> EraseCustomerAsync(string accountId, Actor actor, string email, CancellationToken ct)
    {
        var erased = new List<string>();
        string? token = null;
        do
        {
            var page = await licenses.ListAsync(accountId, new LicenseQuery(null, email, null, token, 100), clock.GetUtcNow(), ct).ConfigureAwait(false);
            foreach (var license in page.Items)
                if (await EraseLicenseAsync(license, actor, ct).ConfigureAwait(false)) erased.Add(license.Id);
            token = page.ContinuationToken;
        }
        while (token is not null);
        await outbox.DeleteToAsync(accountId, email, ct).ConfigureAwait(false);
        foreach (var table in elsewhere ?? []) await table.EraseAsync(accountId, email, ct).ConfigureAwait(false);
        await RedactHistoryAsync(accountId, erased, email, ct).ConfigureAwait(false);
        return erased.Count;
    }

    /// <summary>
    /// Redacts pending change records and the audit log: wholly for <paramref name="licenseIds"/>, elsewhere where
    /// <paramref name="email"/> appears.
    /// </summary>
    public async Task RedactHistoryAsync(string accountId, IReadOnlyCollection<string> licenseIds, string? email, CancellationToken ct)
    {
        var ids = licenseIds.ToHashSet(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(email)) email = null;
        foreach (var record in await journal.ListAsync(accountId, ct).ConfigureAwait(false))
            if (Redacted(record, ids, email) is { } clean) await journal.ReplaceAsync(clean, ct).ConfigureAwait(false);
        await foreach (var entry in audit.QueryAllAsync(accountId, clock.GetUtcNow(), ct).ConfigureAwait(false))
            if (Redacted(entry, ids, email) is { } clean) await audit.ReplaceAsync(clean, ct).ConfigureAwait(false);
    }

    private static ChangeRecord? Redacted(ChangeRecord record, HashSet<string> ids, string? email)
    {
        var wholly = record.LicenseId is { } id && ids.Contains(id);
        if (!wholly && (email is null || !PersonalData.Mentions(record, email))) return null;
        var clean = PersonalData.Redact(record, email, wholly);
        return ReferenceEquals(clean, record) ? null : clean;
    }

    /// <summary>One license loses its personal data, journaled as <c>license.updated</c> without the values; false when it changed owner meanwhile.</summary>
    private Task<bool> EraseLicenseAsync(License read, Actor actor, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var current = await licenses.GetAsync(read.AccountId, read.Id, token).ConfigureAwait(false);
            if (current is null || EmailAddress.LookupKey(current.CustomerEmail) != EmailAddress.LookupKey(read.CustomerEmail)) return false;
            var now = clock.GetUtcNow();
            var named = (await licenses.ListActivationsAsync(current, token).ConfigureAwait(false))
                .Where(a => a.Name is not null).Select(a => a with { Name = null });
            var next = current with { CustomerEmail = "", Metadata = new Dictionary<string, string>(), UpdatedAt = now };
            var fields = LicenseChanges.Fields(current, next);
            var record = PersonalData.Redact(new ChangeRecord(LicenseChanges.NewId(now), current.AccountId, now, actor, LicenseChanges.Updated,
                new ChangeTarget(LicenseChanges.LicenseTarget, current.Id), fields, current.Id), null, wholly: true);
            var saved = await licenses.ReplaceAsync(next, new ActivationChanges([.. named], []), [record], token).ConfigureAwait(false);
            cache?.Update(saved);
            if (changes is not null) await changes.NotifyAsync([record], token).ConfigureAwait(false);
            return true;
        }, ct);
}
