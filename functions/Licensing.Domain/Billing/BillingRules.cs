using Licensing.Domain.Licenses;
using Licensing.Domain.Metrics;
using Licensing.Domain.Products;

namespace Licensing.Domain.Billing;

/// <summary>What an event does beside the license's own state: objects to link to the license, a key e-mail, a metric.</summary>
public sealed record BillingEffects(IReadOnlyList<ProviderRef> Links, bool EmailKey, MetricsDelta? Metric);

/// <summary>
/// The billing rules of every payment provider: one small pure function per event, from a license and a typed
/// <see cref="BillingEvent"/> to the license to write (null: no change). No I/O; the plan a changed subscription
/// moves to is looked up by the caller (<see cref="PlanLookup"/>) and passed in.
/// Ordering: a license keeps the time of the newest event applied (<see cref="License.BillingUpdatedAt"/>); an
/// older event never overwrites newer billing state, and a late older renewal can only extend.
/// </summary>
public static class BillingRules
{
    public static readonly TimeSpan PastDueGrace = TimeSpan.FromDays(7);

    public static License? Apply(License license, BillingEvent e, Plan? plan = null) => e switch
    {
        PurchaseCompleted => Provisioned(license, e.OccurredAt),
        RenewalPaid r => Renewed(license, r),
        PaymentFailed => PastDue(license, e.OccurredAt),
        SubscriptionChanged c => Changed(license, c, plan),
        SubscriptionEnded x => Ended(license, x),
        Refunded { Extent: RefundExtent.Full } => Revoke(license, "refund"),
        Disputed => Suspend(license, "dispute"),
        _ => null,
    };

    /// <summary>The outcome of an event that changes no license whatever its state (null: find the license and apply).</summary>
    public static string? Inert(BillingEvent e) => e switch
    {
        Ignored ignored => "ignored: " + ignored.Reason,
        PaymentAwaited awaited => awaited.Awaiting,
        Refunded { Extent: RefundExtent.Partial } => "partial refund: license unchanged",
        _ => null,
    };

    public static BillingEffects Effects(BillingEvent e) => e switch
    {
        PurchaseCompleted p => new(new[] { p.Purchase, p.Subscription, p.Payment }.OfType<ProviderRef>().ToArray(), EmailKey: true, null),
        RenewalPaid r => new(r.Payments, false, r.FirstOfSubscription ? null : new MetricsDelta(Renewals: 1)),
        SubscriptionEnded => new([], false, new MetricsDelta(Expirations: 1)),
        _ => new([], false, null),
    };

    /// <summary>The license moved to <paramref name="plan"/>: the plan's id and its terms (model, features, activation limit).</summary>
    public static License OnPlan(License l, Plan plan) =>
        l with { Plan = plan.Id, Model = plan.Model, Features = plan.Features, MaxActivations = plan.MaxActivations };

    /// <summary>The license a purchase issues, on the terms found for it.</summary>
    public static IssueLicenseInput IssueInput(PurchaseCompleted p, Product product, Plan plan) =>
        new(product.Id, p.CustomerEmail, p.Domain is null ? null : [p.Domain], plan.Id, null, p.PeriodEnd, null, p.Metadata, p.Source.TestMode);

    /// <summary>What happened, for the inbox record, given the license as saved.</summary>
    public static string Describe(BillingEvent e, License saved) => e switch
    {
        PurchaseCompleted => $"provisioned {saved.Id}",
        RenewalPaid => $"renewed {saved.Id} to {saved.ExpiresAt:O}",
        PaymentFailed => $"past due: {saved.Id} valid until the end of a {PastDueGrace.TotalDays}-day grace",
        SubscriptionChanged => $"updated {saved.Id}: plan {saved.Plan}, billing {saved.BillingState.ToStored() ?? "ok"}, expires {saved.ExpiresAt:O}",
        SubscriptionEnded => $"ended {saved.Id}",
        Refunded => $"revoked {saved.Id} (full refund)",
        Disputed => $"suspended {saved.Id} (dispute)",
        _ => $"{e.GetType().Name}: {saved.Id} unchanged",
    };

    /// <summary>A purchase only records when it happened, for ordering what follows.</summary>
    private static License? Provisioned(License l, DateTimeOffset at) =>
        l.BillingUpdatedAt >= at ? null : l with { BillingUpdatedAt = at };

    /// <summary>
    /// A newer payment sets the paid period exactly (the provider's period wins over the plan's default duration);
    /// an older one delivered late can only extend, and never revives a license canceled after it.
    /// </summary>
    private static License? Renewed(License l, RenewalPaid e)
    {
        if (IsRevoked(l) || (l.BillingState == BillingState.Canceled && l.BillingUpdatedAt >= e.OccurredAt)) return null;
        var newer = l.BillingUpdatedAt is null || e.OccurredAt >= l.BillingUpdatedAt;
        return l with
        {
            ExpiresAt = e.PeriodEnd is { } end && (newer || l.ExpiresAt is null || end > l.ExpiresAt) ? end : l.ExpiresAt,
            Status = l.Status == LicenseStatus.Expired ? LicenseStatus.Active : l.Status,
            BillingState = l.BillingState == BillingState.PastDue ? BillingState.None : l.BillingState,
            BillingUpdatedAt = Latest(l.BillingUpdatedAt, e.OccurredAt),
        };
    }

    /// <summary>A failed payment: past due, valid at least until a grace period after the failure.</summary>
    private static License? PastDue(License l, DateTimeOffset at) =>
        IsStale(l, at) || IsRevoked(l) ? null : l with
        {
            BillingState = BillingState.PastDue,
            ExpiresAt = Latest(l.ExpiresAt, at + PastDueGrace),
            BillingUpdatedAt = at,
        };

    /// <summary>Cancel at period end ends the license then; a past-due status marks it; otherwise the marks clear. A new plan's terms follow.</summary>
    private static License? Changed(License l, SubscriptionChanged e, Plan? plan)
    {
        if (IsStale(l, e.OccurredAt) || IsRevoked(l)) return null;
        var next = l with
        {
            BillingUpdatedAt = e.OccurredAt,
            BillingState = e.CancelAtPeriodEnd ? BillingState.Canceling
                : e.Status == SubscriptionStatus.PastDue ? BillingState.PastDue
                : l.BillingState is BillingState.Canceling or BillingState.PastDue ? BillingState.None : l.BillingState,
            ExpiresAt = e.PeriodEnd is { } end && (e.CancelAtPeriodEnd || l.ExpiresAt is null || end > l.ExpiresAt) ? end : l.ExpiresAt,
        };
        return plan is null || plan.Id == l.Plan ? next : OnPlan(next, plan);
    }

    /// <summary>The subscription ended: the license expires (no later than the end) and is marked canceled.</summary>
    private static License? Ended(License l, SubscriptionEnded e) =>
        IsRevoked(l) ? null : l with
        {
            Status = LicenseStatus.Expired,
            ExpiresAt = l.ExpiresAt is { } x && x < e.EndedAt ? x : e.EndedAt,
            BillingState = BillingState.Canceled,
            BillingUpdatedAt = Latest(l.BillingUpdatedAt, e.OccurredAt),
        };

    private static License? Revoke(License l, string reason) =>
        IsRevoked(l) ? null : l with { Status = LicenseStatus.Revoked, StatusReason = reason };

    private static License? Suspend(License l, string reason) =>
        l.Status is LicenseStatus.Revoked or LicenseStatus.Suspended ? null : l with { Status = LicenseStatus.Suspended, StatusReason = reason };

    private static bool IsRevoked(License l) => l.Status == LicenseStatus.Revoked;

    /// <summary>Older than the newest event already applied.</summary>
    private static bool IsStale(License l, DateTimeOffset at) => l.BillingUpdatedAt > at;

    private static DateTimeOffset Latest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}

/// <summary>Which product and plan a provider's purchase or subscription stands for.</summary>
public static class PlanLookup
{
    /// <summary>The provider's price or variant ids configured on a plan.</summary>
    public static IReadOnlyList<string> PriceIdsOf(Plan plan, BillingProvider provider) => provider switch
    {
        BillingProvider.Stripe => plan.StripePriceIds,
        BillingProvider.LemonSqueezy => plan.LemonSqueezyVariantIds,
        BillingProvider.Paddle => plan.PaddlePriceIds,
        BillingProvider.Gumroad => plan.GumroadProductIds,
        _ => [],
    };

    /// <summary>The first plan of the product that lists one of the prices for that provider.</summary>
    public static Plan? ByPrices(Product product, BillingProvider provider, IReadOnlyCollection<string> priceIds) =>
        product.Plans.FirstOrDefault(p => PriceIdsOf(p, provider).Any(priceIds.Contains));

    /// <summary>A purchase that names its product and plan (null <paramref name="product"/>: the account has no such product).</summary>
    public static (Product Product, Plan Plan) Named(PurchaseCompleted p, Product? product) =>
        product is null ? throw new BillingPermanentException($"productId '{p.ProductId}' is not a product of this account")
        : (product, product.FindPlan(p.Plan!) ?? throw new BillingPermanentException($"product '{p.ProductId}' has no plan '{p.Plan}'"));

    /// <summary>A purchase without productId/plan: the first plan, among the account's products, that lists one of its prices.</summary>
    public static (Product Product, Plan Plan) Priced(PurchaseCompleted p, IEnumerable<Product> products) =>
        FirstPriced(products, p.Purchase.Provider, p.PriceIds) ?? throw new BillingPermanentException(
            $"{p.Purchase} has no productId/plan and none of its prices ({string.Join(", ", p.PriceIds)}) is configured on a plan");

    /// <summary>The first plan, among the products in their order, that lists one of the prices for that provider.</summary>
    public static (Product Product, Plan Plan)? FirstPriced(IEnumerable<Product> products, BillingProvider provider, IReadOnlyCollection<string> priceIds)
    {
        foreach (var product in products)
            if (ByPrices(product, provider, priceIds) is { } plan) return (product, plan);
        return null;
    }
}
