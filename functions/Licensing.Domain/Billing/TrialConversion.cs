using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Quotas;
using Licensing.Domain.Trials;

namespace Licensing.Domain.Billing;

/// <summary>
/// The one place where a purchase of any payment provider meets a trial (docs/trials.md): the first purchase of a
/// product by an e-mail address that holds a trial of it turns that trial license into the paid one (same id and key,
/// the purchased plan's terms, trial flag cleared) instead of issuing another. The conversion is a conditional
/// read-modify-write that records the purchase on the license, so however often and however concurrently the purchase
/// is delivered, it converts once and every delivery names the same license.
/// </summary>
public sealed class TrialConversion(LicenseService licenses, ILicenseStore store, IQuotaStore quotas, TimeProvider clock)
{
    private readonly LicenseQuota _quota = new(quotas, store, clock);

    /// <summary>The id of the trial license <paramref name="purchase"/> converts (or converted), or null: the purchase issues its own license.</summary>
    public async Task<string?> ConvertAsync(string accountId, PurchaseCompleted purchase, Product product, Plan plan, Audit.Actor actor,
        CancellationToken ct)
    {
        if (EmailAddress.Normalize(purchase.CustomerEmail) is not { } email) return null;
        var trialId = TrialRules.LicenseIdFor(accountId, product.Id, email);
        var trial = await store.GetAsync(accountId, trialId, ct).ConfigureAwait(false);
        if (trial is null || (trial.ConvertedBy != purchase.Purchase.LinkKey && !TrialRules.IsConvertible(trial))) return null;
        // A purchase that already issued its own license (no trial existed when it was first processed) keeps it. Read only
        // when there is a trial to convert: a purchase without one (the usual case) costs one read here, not two.
        if (await store.GetAsync(accountId, BillingKeys.LicenseIdForPurchase(accountId, purchase.Purchase), ct).ConfigureAwait(false) is not null) return null;

        // Trials are outside the license quota until now: the paid license counts once, under its id, like any other.
        var counted = await _quota.ReserveAsync(accountId, trialId, ct).ConfigureAwait(false);
        var ours = false;
        await licenses.ApplyAsync(accountId, trialId, actor, (l, now) =>
        {
            ours = l.ConvertedBy == purchase.Purchase.LinkKey || TrialRules.IsConvertible(l);
            return ours && l.ConvertedBy is null ? TrialRules.ToPaid(l, purchase, plan, now) : null;
        }, ct).ConfigureAwait(false);
        if (counted) await _quota.SettleAsync(accountId, trialId, ct).ConfigureAwait(false);
        return ours ? trialId : null;
    }
}
