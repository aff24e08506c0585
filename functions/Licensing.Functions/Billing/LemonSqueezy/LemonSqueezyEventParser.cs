using System.Text.Json;
using Licensing.Domain.Billing;
using static Licensing.Functions.Billing.ProviderJson;

namespace Licensing.Functions.Billing.LemonSqueezy;

/// <summary>
/// Lemon Squeezy's edge: a stored JSON:API event (<c>{meta: {event_name, test_mode, custom_data}, data: {type, id,
/// attributes}}</c>) as a typed billing event. Orders, subscriptions and subscription invoices have ids of their own
/// kinds, so each is named with its kind (<c>order-1</c>, <c>sub-1</c>, <c>invoice-1</c>). A subscription's
/// <c>subscription_created</c> names the order that bought it: it is that order's purchase (the same license), which also
/// links the subscription, in whichever order the two events arrive.
/// </summary>
public sealed class LemonSqueezyEventParser : IBillingEventParser
{
    public BillingProvider Provider => BillingProvider.LemonSqueezy;

    public IReadOnlySet<string> HandledTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "order_created", "order_refunded", "subscription_created", "subscription_updated", "subscription_cancelled", "subscription_resumed",
        "subscription_expired", "subscription_paused", "subscription_unpaused", "subscription_payment_success", "subscription_payment_failed",
        "subscription_payment_recovered",
    };

    public Task<BillingEvent> ParseAsync(ProviderEvent stored, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(stored.Body);
        var root = document.RootElement;
        var attributes = Element(root, "data", "attributes");
        var id = IdText(root, "data", "id") ?? throw new BillingPermanentException("Lemon Squeezy event without data.id");
        var source = new BillingSource(new ProviderRef(Provider, stored.EventId), stored.Created,
            TestMode: IsTrue(root, "meta", "test_mode") || IsTrue(attributes, "test_mode"));
        return Task.FromResult(stored.Type switch
        {
            "order_created" => Order(root, attributes, id, source),
            "order_refunded" => new Refunded([Ref("order", id)],
                IsTrue(attributes, "refunded") || Str(attributes, "status") == "refunded" ? RefundExtent.Full : RefundExtent.Partial)
            { Source = source },
            "subscription_created" => Purchase(root, attributes, IdText(attributes, "order_id") ?? id, Ref("sub", id), Instant(attributes, "renews_at"),
                source),
            "subscription_updated" or "subscription_cancelled" or "subscription_resumed" or "subscription_unpaused" => Changed(attributes, id, source),
            "subscription_expired" => new SubscriptionEnded(Ref("sub", id), Instant(attributes, "ends_at") ?? stored.Created) { Source = source },
            "subscription_paused" => new Ignored("paused: no payment is collected, so the license runs to the end of its paid period") { Source = source },
            "subscription_payment_success" or "subscription_payment_recovered" => IdText(attributes, "subscription_id") is { } paid
                ? new RenewalPaid(Ref("sub", paid), null, [Ref("invoice", id)],
                    stored.Type == "subscription_payment_success" && Str(attributes, "billing_reason") == "initial")
                { Source = source }
                : new Ignored("payment of no subscription") { Source = source },
            "subscription_payment_failed" => IdText(attributes, "subscription_id") is { } failed
                ? new PaymentFailed(Ref("sub", failed)) { Source = source }
                : new Ignored("payment of no subscription") { Source = source },
            _ => new Ignored("unhandled type") { Source = source },
        });
    }

    /// <summary>A paid order is a purchase; a pending one waits for its payment; a failed one buys nothing.</summary>
    private BillingEvent Order(JsonElement root, JsonElement attributes, string id, BillingSource source) => Str(attributes, "status") switch
    {
        "paid" => Purchase(root, attributes, id, null, null, source),
        "pending" => new PaymentAwaited(Ref("order", id), "waiting for the order to be paid (status pending)") { Source = source },
        var status => new Ignored($"order status {status}") { Source = source },
    };

    private PurchaseCompleted Purchase(JsonElement root, JsonElement attributes, string orderId, ProviderRef? subscription, DateTimeOffset? periodEnd,
        BillingSource source)
    {
        var order = Ref("order", orderId);
        var email = Str(attributes, "user_email") ?? throw new BillingPermanentException($"Lemon Squeezy order {orderId} has no user_email");
        var variant = IdText(attributes, "first_order_item", "variant_id") ?? IdText(attributes, "variant_id");
        return new PurchaseCompleted(order, email, Str(root, "meta", "custom_data", "productId"), Str(root, "meta", "custom_data", "plan"),
            Str(root, "meta", "custom_data", "domain"), variant is null ? [] : [variant], subscription, order, periodEnd,
            new Dictionary<string, string?> { ["lemonSqueezyOrder"] = orderId, ["lemonSqueezyEvent"] = source.Event.Id })
        { Source = source };
    }

    /// <summary>Cancelled: the license runs to <c>ends_at</c>; past due or unpaid: marked so; a new variant may name another plan.</summary>
    private SubscriptionChanged Changed(JsonElement attributes, string id, BillingSource source)
    {
        var cancelled = IsTrue(attributes, "cancelled") || Str(attributes, "status") == "cancelled";
        return new SubscriptionChanged(Ref("sub", id),
            Str(attributes, "status") is "past_due" or "unpaid" ? SubscriptionStatus.PastDue : SubscriptionStatus.Active,
            IdText(attributes, "variant_id") is { } variant ? [variant] : [], cancelled,
            cancelled ? Instant(attributes, "ends_at") : Instant(attributes, "renews_at"))
        { Source = source };
    }

    private ProviderRef Ref(string kind, string id) => new(Provider, $"{kind}-{id}");
}
