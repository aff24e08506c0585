using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Billing.AppSumo;

/// <summary>
/// What AppSumo's events do to a license, as pure functions (null: no change). The <c>tier</c> decides the plan
/// (plans list theirs in <c>appsumoTiers</c>). Events are ordered by <c>event_timestamp</c>: an event older than the
/// newest one applied (<see cref="License.BillingUpdatedAt"/>) changes nothing, so redeliveries and late arrivals are harmless.
/// </summary>
public static class AppSumoRules
{
    /// <summary>The <see cref="License.StatusReason"/> of a license AppSumo deactivated; a later activation lifts it.</summary>
    public const string DeactivatedReason = "appsumo-deactivated";

    /// <summary>The first plan of the product that lists the tier.</summary>
    public static Plan PlanFor(Product product, int tier) =>
        product.Plans.FirstOrDefault(p => p.AppsumoTiers.Contains(tier))
            ?? throw new BillingPermanentException($"no plan of product '{product.Id}' lists AppSumo tier {tier} in appsumoTiers");

    public static bool IsStale(License license, DateTimeOffset at) => license.BillingUpdatedAt > at;

    /// <summary>A purchase or activation: records its time; one newer than a deactivation reactivates the license.</summary>
    public static License? Purchased(License l, DateTimeOffset at) =>
        IsStale(l, at) || l.BillingUpdatedAt == at ? null
        : l.Status == LicenseStatus.Revoked && l.StatusReason == DeactivatedReason
            ? l with { Status = LicenseStatus.Active, StatusReason = null, BillingUpdatedAt = at }
            : l with { BillingUpdatedAt = at };

    /// <summary>An upgrade or downgrade: the tier's plan and its terms (features, limits, model), from now on.</summary>
    public static License? TierChanged(License l, DateTimeOffset at, Plan plan) =>
        IsStale(l, at) || (l.BillingUpdatedAt == at && l.Plan == plan.Id) ? null
        : BillingRules.OnPlan(l, plan) with { BillingUpdatedAt = at };

    /// <summary>A deactivation revokes the license (a newer activation can lift it).</summary>
    public static License? Deactivated(License l, DateTimeOffset at) =>
        IsStale(l, at) || l.Status == LicenseStatus.Revoked ? null
        : l with { Status = LicenseStatus.Revoked, StatusReason = DeactivatedReason, BillingUpdatedAt = at };
}
