using Licensing.Domain.Billing;

namespace Licensing.Functions.Billing.Gumroad;

/// <summary>
/// Gumroad's edge: a stored Ping or resource notification (<see cref="GumroadPing"/>) as a typed billing event. Sales
/// and memberships are named with their kind (<c>sale-…</c>, <c>sub-…</c>). A membership's first sale is its purchase;
/// a recurring charge (<c>is_recurring_charge</c>) renews for the sale's <c>recurrence</c>.
/// </summary>
public sealed class GumroadEventParser : IBillingEventParser
{
    public BillingProvider Provider => BillingProvider.Gumroad;

    public IReadOnlySet<string> HandledTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "sale", "refund", "dispute", "cancellation", "subscription_ended", "subscription_restarted",
    };

    public Task<BillingEvent> ParseAsync(ProviderEvent stored, CancellationToken ct)
    {
        var ping = GumroadPing.Parse(stored.Body);
        var source = new BillingSource(new ProviderRef(Provider, stored.EventId), stored.Created, TestMode: ping.IsTrue("test"));
        var sale = ping["sale_id"] is { } s ? Ref("sale", s) : null;
        var subscription = ping["subscription_id"] is { } sub ? Ref("sub", sub) : null;
        BillingEvent parsed = stored.Type switch
        {
            "sale" or "refund" when ping.IsTrue("refunded") => new Refunded(Payments(sale), RefundExtent.Full) { Source = source },
            "refund" => new Refunded(Payments(sale), RefundExtent.Partial) { Source = source },
            "sale" or "dispute" when stored.Type == "dispute" || ping.IsTrue("disputed") => new Disputed(Payments(sale)) { Source = source },
            "sale" when ping.IsTrue("is_recurring_charge") && subscription is not null =>
                new RenewalPaid(subscription, ping.PeriodEnd, Payments(sale), FirstOfSubscription: false) { Source = source },
            "sale" => Purchase(ping, sale ?? throw new BillingPermanentException("Gumroad sale without sale_id"), subscription, stored.EventId, source),
            "cancellation" when subscription is not null =>
                new SubscriptionChanged(subscription, SubscriptionStatus.Active, [], CancelAtPeriodEnd: true, null) { Source = source },
            "subscription_restarted" when subscription is not null =>
                new SubscriptionChanged(subscription, SubscriptionStatus.Active, [], CancelAtPeriodEnd: false, null) { Source = source },
            "subscription_ended" when subscription is not null =>
                new SubscriptionEnded(subscription, ping.Time("ended_at") ?? stored.Created) { Source = source },
            _ => new Ignored($"{stored.Type} without the sale or subscription it is about") { Source = source },
        };
        return Task.FromResult(parsed);
    }

    private static PurchaseCompleted Purchase(GumroadPing ping, ProviderRef sale, ProviderRef? subscription, string eventId, BillingSource source) =>
        new(sale, ping["email"] ?? throw new BillingPermanentException($"Gumroad sale {sale.Id} has no email"), ping.Custom("productId"),
            ping.Custom("plan"), ping.Custom("domain"), new[] { ping["product_id"], ping["product_permalink"] }.OfType<string>().ToArray(), subscription,
            sale, subscription is null ? null : ping.PeriodEnd,
            new Dictionary<string, string?> { ["gumroadSale"] = ping["sale_id"], ["gumroadEvent"] = eventId })
        { Source = source };

    private static ProviderRef[] Payments(ProviderRef? sale) => sale is null ? [] : [sale];

    private ProviderRef Ref(string kind, string id) => new(Provider, $"{kind}-{id}");
}
