using Licensing.Domain.Billing;
using Licensing.Domain.Billing.AppSumo;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>
/// Applies AppSumo's typed events (<see cref="AppSumoRules"/>) for the shared billing applier: a purchase issues one
/// license per AppSumo key (its id derived from the key) in the integration's product, on the tier's plan, and makes
/// the key an alias key of the license; an upgrade or downgrade moves the same license to the new key and plan; a
/// deactivation revokes it. Links (<c>appsumo:&lt;key&gt;</c>) find the license of any key it ever had.
/// </summary>
public sealed class AppSumoApplier(AppSumoIntegration integration, IBillingLinks links, LicenseService licenses, KeyAliasService keys, IProductStore products,
    AppSumoKeyEmail email)
{
    /// <summary>The outcome, or null when <paramref name="e"/> is not an AppSumo event.</summary>
    public async Task<string?> ApplyAsync(string accountId, BillingEvent e, CancellationToken ct)
    {
        try
        {
            return e switch
            {
                AppSumoPurchased p => await PurchasedAsync(accountId, p, ct),
                AppSumoTierChanged c => await TierChangedAsync(accountId, c, ct),
                AppSumoDeactivated d => await DeactivatedAsync(accountId, d, ct),
                _ => null,
            };
        }
        catch (KeyUnavailableException k)
        {
            // Another license (in this account or another) holds the AppSumo key: no retry changes that; listed for the founder.
            throw new BillingPermanentException("the AppSumo key cannot be used: " + k.Message);
        }
    }

    private async Task<string> PurchasedAsync(string accountId, AppSumoPurchased p, CancellationToken ct)
    {
        var settings = await integration.RequireSettingsAsync(accountId, ct);
        var product = await products.GetAsync(accountId, settings.ProductId, ct)
            ?? throw new BillingPermanentException($"the AppSumo integration's product '{settings.ProductId}' does not exist");
        var plan = AppSumoRules.PlanFor(product, p.Tier);
        var id = BillingKeys.LicenseIdForPurchase(accountId, p.Purchase);
        var input = new IssueLicenseInput(product.Id, "", null, plan.Id, null, null, null, new Dictionary<string, string?> { ["source"] = "appsumo" })
        {
            EmailLater = true,
        };
        var license = await licenses.IssueAsync(accountId, input, id, ct);
        // A late purchase or activation of a key the license has since moved away from must not bring that key back.
        if (AppSumoRules.IsStale(license, p.OccurredAt)) return $"ignored: {license.Id} already holds a newer AppSumo event";
        await links.UpsertAsync(accountId, p.Purchase.LinkKey, id, ct);
        await keys.AttachAsync(accountId, id, p.LicenseKey, ct);
        var saved = await licenses.ApplyAsync(accountId, id, (l, _) => AppSumoRules.Purchased(l, p.OccurredAt), ct);
        return $"provisioned {saved.Id} ({saved.Plan}) for an AppSumo key";
    }

    private async Task<string> TierChangedAsync(string accountId, AppSumoTierChanged c, CancellationToken ct)
    {
        var id = await links.GetAsync(accountId, c.Previous.LinkKey, ct) ?? await links.GetAsync(accountId, c.Next.LinkKey, ct)
            ?? throw new BillingRetryException("no license for the previous AppSumo key yet (its purchase may still be on its way)");
        var current = await licenses.GetAsync(accountId, id, ct);
        if (AppSumoRules.IsStale(current, c.OccurredAt)) return $"ignored: {id} already holds a newer AppSumo event";
        var product = await products.GetAsync(accountId, current.ProductId, ct)
            ?? throw new BillingPermanentException($"product '{current.ProductId}' of {id} does not exist");
        var plan = AppSumoRules.PlanFor(product, c.Tier);
        await links.UpsertAsync(accountId, c.Next.LinkKey, id, ct);
        // The plan first, then the key: the new key never validates on the old plan.
        await licenses.ApplyAsync(accountId, id, (l, _) => AppSumoRules.TierChanged(l, c.OccurredAt, plan), ct);
        var saved = await keys.MoveAsync(accountId, id, c.PreviousKey, c.LicenseKey, ct);
        await email.QueueAsync(saved, product, c.LicenseKey, ct);
        return $"moved {id} to a new AppSumo key on plan {saved.Plan}";
    }

    private async Task<string> DeactivatedAsync(string accountId, AppSumoDeactivated d, CancellationToken ct)
    {
        var id = await links.GetAsync(accountId, d.Purchase.LinkKey, ct)
            ?? throw new BillingRetryException("no license for this AppSumo key yet (its purchase may still be on its way)");
        var saved = await licenses.ApplyAsync(accountId, id, (l, _) => AppSumoRules.Deactivated(l, d.OccurredAt), ct);
        return $"{saved.Status.ToWire()} {id} (deactivated at AppSumo{(d.Reason is null ? "" : ": " + d.Reason)})";
    }
}
