using Licensing.Domain.Billing;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Domain.Metrics;
using Licensing.Domain.Products;

namespace Licensing.Functions.Billing;

/// <summary>
/// Applies a typed billing event of any provider: finds (or, for a purchase, issues) its license, records links,
/// writes the change <see cref="BillingRules"/> decide through <see cref="LicenseService.ApplyAsync"/> (the ETag
/// read-modify-write loop), then queues the key e-mail and counts metrics. A purchase always names the same
/// license (<see cref="BillingKeys"/>, or the customer's trial it converts: <see cref="TrialConversion"/>), and the key
/// e-mail has a deterministic outbox id, so a repeated or concurrent purchase event makes one license and one e-mail.
/// </summary>
public sealed class BillingEventApplier(IBillingLinks links, LicenseService licenses, IProductStore products, EmailOutboxService email, IMetricsStore metrics,
    TrialConversion trials, TimeProvider clock, AppSumo.AppSumoApplier appSumo)
{
    public async Task<string> ApplyAsync(string accountId, BillingEvent e, CancellationToken ct)
    {
        if (BillingRules.Inert(e) is { } outcome) return outcome;
        if (await appSumo.ApplyAsync(accountId, e, ct) is { } applied) return applied;
        Product? product = null;
        Plan? plan = null;
        string? licenseId;
        switch (e)
        {
            case PurchaseCompleted purchase:
                (product, var terms) = await TermsAsync(accountId, purchase, ct);
                // The customer's trial of the product, if any, becomes the paid license; otherwise the purchase issues its own.
                licenseId = await trials.ConvertAsync(accountId, purchase, product, terms, ActorOf(e), ct)
                    ?? (await licenses.IssueAsync(accountId, ActorOf(e), BillingRules.IssueInput(purchase, product, terms),
                        BillingKeys.LicenseIdForPurchase(accountId, purchase.Purchase), ct)).Id;
                break;
            case SubscriptionEvent subscription:
                licenseId = await LicenseForSubscriptionAsync(accountId, subscription.Subscription, ct);
                if (subscription is SubscriptionChanged changed) plan = await NewPlanAsync(accountId, licenseId, changed, ct);
                break;
            case PaymentEvent payment:
                licenseId = await LicenseForPaymentAsync(accountId, payment.Payments, ct);
                if (licenseId is null) return "ignored: no license linked to this payment";
                break;
            default:
                return "ignored: " + e.GetType().Name;
        }

        var effects = BillingRules.Effects(e);
        foreach (var link in effects.Links) await links.UpsertAsync(accountId, link.LinkKey, licenseId, ct);
        var saved = await licenses.ApplyAsync(accountId, licenseId, ActorOf(e), (l, _) => BillingRules.Apply(l, e, plan), ct);
        if (effects.Metric is { } delta && !saved.Test) await metrics.AddAsync(accountId, saved.ProductId, MetricDays.Of(e.OccurredAt), delta, ct);
        if (effects.EmailKey) await QueueKeyEmailAsync(saved, product ?? await products.GetAsync(accountId, saved.ProductId, ct), ct);
        return BillingRules.Describe(e, saved);
    }

    /// <summary>Who a provider event acts as in the audit log: the system, named by the provider and its event id.</summary>
    internal static Licensing.Domain.Audit.Actor ActorOf(BillingEvent e) =>
        Licensing.Domain.Audit.Actor.System($"{e.Source.Event.Provider.ToWire()}:{e.Source.Event.Id}");

    /// <summary>The product and plan a purchase names, else the plan its prices are configured on.</summary>
    private async Task<(Product Product, Plan Plan)> TermsAsync(string accountId, PurchaseCompleted purchase, CancellationToken ct) =>
        purchase.ProductId is not null && purchase.Plan is not null
            ? PlanLookup.Named(purchase, await products.GetAsync(accountId, purchase.ProductId, ct))
            : PlanLookup.Priced(purchase, await products.ListAsync(accountId, ct));

    /// <summary>The plan of the license's product that the subscription's prices now name, if any.</summary>
    private async Task<Plan?> NewPlanAsync(string accountId, string licenseId, SubscriptionChanged changed, CancellationToken ct)
    {
        var current = await licenses.GetAsync(accountId, licenseId, ct);
        var product = await products.GetAsync(accountId, current.ProductId, ct);
        return product is null ? null : PlanLookup.ByPrices(product, changed.Subscription.Provider, changed.PriceIds);
    }

    private async Task<string> LicenseForSubscriptionAsync(string accountId, ProviderRef subscription, CancellationToken ct) =>
        // The purchase that creates the license may not have been processed yet: retry rather than drop.
        await links.GetAsync(accountId, subscription.LinkKey, ct)
            ?? throw new BillingRetryException($"no license for subscription {subscription.Id} yet (its checkout may still be on its way)");

    private async Task<string?> LicenseForPaymentAsync(string accountId, IReadOnlyList<ProviderRef> payments, CancellationToken ct)
    {
        foreach (var payment in payments)
            if (await links.GetAsync(accountId, payment.LinkKey, ct) is { } licenseId) return licenseId;
        return null;
    }

    private Task QueueKeyEmailAsync(License license, Product? product, CancellationToken ct) =>
        email.QueueAsync(new OutboxEmail
        {
            AccountId = license.AccountId,
            Id = "license-" + license.Id,
            Message = LicenseEmail.Compose(license, product, $"<license-{license.Id}@licensing>"),
            CreatedAt = clock.GetUtcNow(),
        }, ct);
}
