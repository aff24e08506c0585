using Licensing.Domain.Email;
using Licensing.Domain.Metrics;
using Licensing.Domain.Products;

namespace Licensing.Domain.Licenses;

/// <summary>Cross-account reads the timer jobs need (table scans with a server-side filter; run off the hot path).</summary>
public interface ILicenseScan
{
    /// <summary>Licenses still stored as active whose expiry is at or before <paramref name="at"/>.</summary>
    IAsyncEnumerable<License> QueryActiveExpiredByAsync(DateTimeOffset at, CancellationToken ct);

    /// <summary>Active licenses expiring in (from, to].</summary>
    IAsyncEnumerable<License> QueryActiveExpiringBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    IAsyncEnumerable<License> QueryAllAsync(CancellationToken ct);

    /// <summary>One account's license rows (a partition query, never activation rows), for the live metrics snapshot.</summary>
    IAsyncEnumerable<License> QueryAccountAsync(string accountId, CancellationToken ct);
}

/// <summary>
/// The timer-triggered lifecycle: mark expired licenses, e-mail renewal reminders (opt-in per product), roll up the
/// daily metrics snapshot. Each job is idempotent, so a timer that fires twice or late does no harm.
/// </summary>
public sealed class LifecycleJobs(ILicenseScan scan, LicenseService licenses, IProductStore products, IMetricsStore metrics, EmailOutboxService email,
    TimeProvider clock)
{
    /// <summary>Who the audit log says expired a license.</summary>
    public static readonly Audit.Actor ExpiryActor = Audit.Actor.System("timer:expiry");

    public async Task<int> MarkExpiredAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var marked = 0;
        await foreach (var license in scan.QueryActiveExpiredByAsync(now, ct).ConfigureAwait(false))
        {
            var changed = false;
            await licenses.ApplyAsync(license.AccountId, license.Id, ExpiryActor, (l, _) =>
            {
                if (l.Status != LicenseStatus.Active || l.ExpiresAt is not { } e || e > now) return null;
                changed = true;
                return l with { Status = LicenseStatus.Expired };
            }, ct).ConfigureAwait(false);
            if (!changed) continue;
            marked++;
            if (license.Test) continue; // test-mode licenses count in no metric
            await metrics.AddAsync(license.AccountId, license.ProductId, MetricDays.Of(license.ExpiresAt!.Value),
                new MetricsDelta(Expirations: 1), ct).ConfigureAwait(false);
        }
        return marked;
    }

    public async Task<int> SendRenewalRemindersAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var sent = 0;
        var productCache = new Dictionary<(string, string), Product?>();
        await foreach (var license in scan.QueryActiveExpiringBetweenAsync(now, now.AddDays(90), ct).ConfigureAwait(false))
        {
            if (license.Model is not (LicenseModel.Subscription or LicenseModel.Seat or LicenseModel.Usage)
                || license.BillingState is Billing.BillingState.Canceling or Billing.BillingState.Canceled)
                continue;
            if (!productCache.TryGetValue((license.AccountId, license.ProductId), out var product))
                productCache[(license.AccountId, license.ProductId)] = product =
                    await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false);
            if (product?.RenewalReminderDays is not { } days || license.ExpiresAt > now.AddDays(days)) continue;
            var id = $"reminder-{license.Id}-{license.ExpiresAt!.Value.UtcDateTime:yyyyMMdd}";
            await email.QueueAsync(new OutboxEmail
            {
                AccountId = license.AccountId,
                Id = id,
                Message = LicenseEmail.Reminder(license, product, $"<{id}@licensing>"),
                CreatedAt = now,
            }, ct).ConfigureAwait(false);
            sent++;
        }
        return sent;
    }

    /// <summary>
    /// Today's snapshot per product: licenses issued, active, and distinct domains active licenses are bound to
    /// (counted by activation id, which is a hash of the binding, so the scan reads license entities only).
    /// </summary>
    public async Task<int> RollUpMetricsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var tally = new LicenseTally(now);
        await foreach (var l in scan.QueryAllAsync(ct).ConfigureAwait(false)) tally.Add(l);
        var day = MetricDays.Of(now);
        var snapshots = tally.Snapshots;
        foreach (var ((account, product), g) in snapshots)
            await metrics.UpsertSnapshotAsync(account, product, day, g.Issued, g.Active, g.ActiveDomains, ct).ConfigureAwait(false);
        return snapshots.Count;
    }
}
