using System.Text.Json;
using Licensing.Domain.Billing;
using static Licensing.Functions.Billing.ProviderJson;

namespace Licensing.Functions.Billing.Paddle;

/// <summary>
/// Paddle Billing's edge: a stored event envelope (<c>{event_id, event_type, occurred_at, data}</c>) as a typed billing
/// event. Paddle's ids carry their kind (<c>txn_</c>, <c>sub_</c>, <c>ctm_</c>). A transaction names its customer, not
/// the address: the address comes from <c>customer.created|updated</c> (recorded here) or from Paddle's API with the
/// account's key; until either knows it, the purchase is retried. <c>subscription.created</c> names the transaction that
/// bought it and is that purchase (the same license), linking the subscription in whichever order the two arrive.
/// </summary>
public sealed class PaddleEventParser(ISecretStore secrets, IBillingCustomers customers, PaddleCustomerClient api) : IBillingEventParser
{
    public BillingProvider Provider => BillingProvider.Paddle;

    public IReadOnlySet<string> HandledTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "transaction.completed", "subscription.created", "subscription.updated", "subscription.canceled", "subscription.past_due",
        "subscription.paused", "subscription.resumed", "adjustment.created", "adjustment.updated", "customer.created", "customer.updated",
    };

    public async Task<BillingEvent> ParseAsync(ProviderEvent stored, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(stored.Body);
        var data = Element(document.RootElement, "data");
        var sandbox = await PaddleConnector.IsSandboxAsync(secrets, stored.AccountId, ct);
        var source = new BillingSource(new ProviderRef(Provider, stored.EventId), stored.Created, TestMode: sandbox);
        var id = Str(data, "id") ?? throw new BillingPermanentException($"Paddle {stored.Type} without data.id");
        switch (stored.Type)
        {
            case "transaction.completed" when Str(data, "subscription_id") is { } sub && Str(data, "origin") == "subscription_recurring":
                return new RenewalPaid(Ref(sub), Instant(data, "billing_period", "ends_at"), [Ref(id)], FirstOfSubscription: false) { Source = source };
            case "transaction.completed":
                return await PurchaseAsync(stored, data, Ref(id), RefOrNull(Str(data, "subscription_id")), Instant(data, "billing_period", "ends_at"), sandbox,
                    source, ct);
            case "subscription.created":
                return await PurchaseAsync(stored, data, Ref(Str(data, "transaction_id") ?? id), Ref(id),
                    Instant(data, "current_billing_period", "ends_at"), sandbox, source, ct);
            case "subscription.updated" or "subscription.resumed":
                var cancel = Str(data, "scheduled_change", "action") == "cancel";
                return new SubscriptionChanged(Ref(id), Str(data, "status") == "past_due" ? SubscriptionStatus.PastDue : SubscriptionStatus.Active,
                    Prices(data), cancel, cancel ? Instant(data, "scheduled_change", "effective_at") : Instant(data, "current_billing_period", "ends_at"))
                { Source = source };
            case "subscription.past_due":
                return new PaymentFailed(Ref(id)) { Source = source };
            case "subscription.canceled":
                return new SubscriptionEnded(Ref(id), Instant(data, "canceled_at") ?? stored.Created) { Source = source };
            case "adjustment.created" or "adjustment.updated":
                return Adjustment(data, source);
            case "customer.created" or "customer.updated":
                if (Str(data, "email") is { } email) await customers.RecordEmailAsync(stored.AccountId, Ref(id), email, stored.Created, ct);
                return new Ignored("customer e-mail recorded") { Source = source };
            default:
                return new Ignored(stored.Type == "subscription.paused"
                    ? "paused: no payment is collected, so the license runs to the end of its paid period" : "unhandled type")
                { Source = source };
        }
    }

    private async Task<PurchaseCompleted> PurchaseAsync(ProviderEvent stored, JsonElement data, ProviderRef transaction, ProviderRef? subscription,
        DateTimeOffset? periodEnd, bool sandbox, BillingSource source, CancellationToken ct)
    {
        var customer = Str(data, "customer_id") ?? throw new BillingPermanentException($"Paddle {transaction.Id} has no customer_id");
        var email = await customers.GetEmailAsync(stored.AccountId, Ref(customer), ct) ?? await FetchEmailAsync(stored.AccountId, customer, sandbox, ct)
            ?? throw new BillingRetryException($"the e-mail of Paddle customer {customer} is not known yet (customer.created, or an API key, brings it)");
        return new PurchaseCompleted(transaction, email, Str(data, "custom_data", "productId"), Str(data, "custom_data", "plan"),
            Str(data, "custom_data", "domain"), Prices(data), subscription, transaction, periodEnd,
            new Dictionary<string, string?> { ["paddleTransaction"] = transaction.Id, ["paddleEvent"] = stored.EventId })
        { Source = source };
    }

    private async Task<string?> FetchEmailAsync(string accountId, string customer, bool sandbox, CancellationToken ct)
    {
        var apiKey = await secrets.GetAsync(ProviderSecrets.Name(Provider, PaddleConnector.ApiKey, accountId), ct);
        if (apiKey is null) return null;
        var email = await api.GetEmailAsync(apiKey, sandbox, customer, ct);
        if (email is not null) await customers.RecordEmailAsync(accountId, Ref(customer), email, DateTimeOffset.MinValue, ct);
        return email;
    }

    /// <summary>An approved full refund revokes, a partial one changes nothing; a chargeback disputes; a refund awaiting approval waits.</summary>
    private BillingEvent Adjustment(JsonElement data, BillingSource source)
    {
        var transaction = Str(data, "transaction_id") is { } t ? new[] { Ref(t) } : [];
        return (Str(data, "action"), Str(data, "status")) switch
        {
            ("refund", "approved") => new Refunded(transaction, Str(data, "type") == "full" ? RefundExtent.Full : RefundExtent.Partial) { Source = source },
            ("chargeback", _) => new Disputed(transaction) { Source = source },
            var (action, status) => new Ignored($"adjustment {action} {status}") { Source = source },
        };
    }

    private static string[] Prices(JsonElement data) => Items(data, "items").Select(i => Str(i, "price", "id") ?? Str(i,
        "price_id")).OfType<string>().ToArray();

    private ProviderRef? RefOrNull(string? id) => id is null ? null : new ProviderRef(Provider, id);

    private ProviderRef Ref(string id) => new(Provider, id);
}
