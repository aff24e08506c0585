using System.Net;
using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;
using static Licensing.Functions.Billing.ProviderJson;
using EventTypes = Stripe.EventTypes;
using SessionLineItemListOptions = Stripe.Checkout.SessionLineItemListOptions;
using SessionLineItemService = Stripe.Checkout.SessionLineItemService;
using StripeClient = Stripe.StripeClient;
using StripeException = Stripe.StripeException;

namespace Licensing.Functions.Billing.Stripe;

/// <summary>
/// Stripe's edge: turns a stored Stripe event (raw JSON of any API version) into the typed billing event of the
/// domain. Stripe's object ids become <see cref="ProviderRef"/>s; the one Stripe API call (a checkout's line items)
/// happens here.
/// </summary>
public sealed class StripeEventParser(ISecretStore secrets, IOptions<LicensingOptions> options) : IBillingEventParser
{
    public BillingProvider Provider => BillingProvider.Stripe;

    public IReadOnlySet<string> HandledTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionAsyncPaymentSucceeded, EventTypes.InvoicePaid,
        EventTypes.InvoicePaymentFailed, EventTypes.CustomerSubscriptionUpdated, EventTypes.CustomerSubscriptionDeleted,
        EventTypes.ChargeRefunded, EventTypes.ChargeDisputeCreated,
    };

    public async Task<BillingEvent> ParseAsync(ProviderEvent stored, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(stored.Body);
        var root = document.RootElement;
        var data = root.GetProperty("data").GetProperty("object");
        var source = new BillingSource(ProviderRef.Stripe(stored.EventId), stored.Created, TestMode: IsFalse(root, "livemode"));
        return stored.Type switch
        {
            EventTypes.CheckoutSessionCompleted => await CheckoutAsync(stored, source, data, requirePaid: true, ct),
            EventTypes.CheckoutSessionAsyncPaymentSucceeded => await CheckoutAsync(stored, source, data, requirePaid: false, ct),
            EventTypes.InvoicePaid => SubscriptionOfInvoice(data) is { } paid
                ? new RenewalPaid(paid, PeriodEnd(data), Payments(data), Str(data, "billing_reason") == "subscription_create") { Source = source }
                : NotASubscriptionInvoice(source),
            EventTypes.InvoicePaymentFailed => SubscriptionOfInvoice(data) is { } failed
                ? new PaymentFailed(failed) { Source = source }
                : NotASubscriptionInvoice(source),
            EventTypes.CustomerSubscriptionUpdated => Ref(Str(data, "id")) is { } updated
                ? new SubscriptionChanged(updated, Status(data), Items(data, "items", "data").Select(i => Str(i, "price", "id")).OfType<string>().ToArray(),
                    IsTrue(data, "cancel_at_period_end"),
                    Latest(Items(data, "items", "data"), Time(data, "current_period_end"), "current_period_end"))
                { Source = source }
                : NoSubscriptionId(source),
            EventTypes.CustomerSubscriptionDeleted => Ref(Str(data, "id")) is { } deleted
                ? new SubscriptionEnded(deleted, Time(data, "ended_at") ?? stored.Created) { Source = source }
                : NoSubscriptionId(source),
            EventTypes.ChargeRefunded => new Refunded(PaymentsOf(data), IsFullRefund(data) ? RefundExtent.Full : RefundExtent.Partial) { Source = source },
            EventTypes.ChargeDisputeCreated => new Disputed(PaymentsOf(data)) { Source = source },
            _ => new Ignored("unhandled type") { Source = source },
        };
    }

    /// <summary>A paid checkout is a purchase; an unpaid one waits for <c>checkout.session.async_payment_succeeded</c>.</summary>
    private async Task<BillingEvent> CheckoutAsync(ProviderEvent stored, BillingSource source, JsonElement session, bool requirePaid, CancellationToken ct)
    {
        var sessionId = Str(session, "id") ?? throw new BillingPermanentException("checkout session without id");
        var paymentStatus = Str(session, "payment_status");
        if (requirePaid && paymentStatus is not ("paid" or "no_payment_required"))
            return new PaymentAwaited(ProviderRef.Stripe(sessionId),
                $"waiting for checkout.session.async_payment_succeeded (payment_status={paymentStatus})")
            { Source = source };
        var customerEmail = Str(session, "customer_details", "email") ?? Str(session, "customer_email")
            ?? throw new BillingPermanentException($"checkout session {sessionId} has no customer e-mail");
        var productId = Str(session, "metadata", "productId");
        var plan = Str(session, "metadata", "plan");
        IReadOnlyList<string> prices = productId is not null && plan is not null ? []
            : ItemsOrNull(session, "line_items", "data") is { } lines ? lines.Select(l => Str(l, "price", "id")).OfType<string>().ToArray()
            : await FetchLineItemPricesAsync(stored.AccountId, sessionId, ct);
        var metadata = new Dictionary<string, string?> { ["stripeCheckoutSession"] = sessionId, ["stripeEvent"] = stored.EventId };
        // The customer portal's billing link opens Stripe's customer portal for this customer (docs/portal.md).
        if (IdOf(session, "customer") is { } stripeCustomer) metadata[Domain.Portal.PortalService.StripeCustomerKey] = stripeCustomer;
        return new PurchaseCompleted(ProviderRef.Stripe(sessionId), customerEmail, productId, plan, Str(session, "metadata", "domain"), prices,
            Ref(IdOf(session, "subscription")), Ref(IdOf(session, "payment_intent")), PeriodEnd: null, metadata)
        { Source = source };
    }

    /// <summary>Line items are not in the event; with the account's restricted API key they are read from Stripe.</summary>
    private async Task<IReadOnlyList<string>> FetchLineItemPricesAsync(string accountId, string sessionId, CancellationToken ct)
    {
        var apiKey = await secrets.GetAsync(ProviderSecrets.Name(BillingProvider.Stripe, StripeConnector.ApiKey, accountId), ct);
        if (apiKey is null) return [];
        var client = new StripeClient(apiKey, apiBase: options.Value.StripeApiBase);
        try
        {
            var items = await new SessionLineItemService(client).ListAsync(sessionId, new SessionLineItemListOptions { Limit = 100 }, cancellationToken: ct);
            return items.Data.Select(i => i.Price?.Id).OfType<string>().ToArray();
        }
        catch (StripeException e) when (e.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            throw new BillingPermanentException($"reading line items of {sessionId} with the configured API key failed: {e.Message}");
        }
    }

    private static Ignored NotASubscriptionInvoice(BillingSource source) => new("not a subscription invoice") { Source = source };

    private static Ignored NoSubscriptionId(BillingSource source) => new("no subscription id") { Source = source };

    private static ProviderRef? Ref(string? id) => id is null ? null : ProviderRef.Stripe(id);

    /// <summary>Current API versions: invoice.parent.subscription_details.subscription; older: invoice.subscription.</summary>
    private static ProviderRef? SubscriptionOfInvoice(JsonElement invoice) =>
        Ref(Str(invoice, "parent", "subscription_details", "subscription") ?? IdOf(invoice, "subscription"));

    /// <summary>The end of the period the invoice pays for: the latest period end among its lines.</summary>
    private static DateTimeOffset? PeriodEnd(JsonElement invoice) => Latest(Items(invoice, "lines", "data"), null, "period", "end");

    /// <summary>The payments of an invoice: its payment intent and charge (older API versions), its payments list (current ones).</summary>
    private static ProviderRef[] Payments(JsonElement invoice) =>
        new[] { IdOf(invoice, "payment_intent"), IdOf(invoice, "charge") }
            .Concat(Items(invoice, "payments", "data").Select(p => Str(p, "payment", "payment_intent")))
            .OfType<string>().Select(ProviderRef.Stripe).ToArray();

    /// <summary>The payment a charge or dispute is about: its payment intent, else its charge.</summary>
    private static ProviderRef[] PaymentsOf(JsonElement obj) =>
        new[] { IdOf(obj, "payment_intent"), IdOf(obj, "charge") }.OfType<string>().Select(ProviderRef.Stripe).ToArray();

    private static bool IsFullRefund(JsonElement charge) =>
        IsTrue(charge, "refunded") || (Long(charge, "amount_refunded") is { } refunded && Long(charge, "amount") is { } amount && refunded >= amount);

    /// <summary>Stripe's <c>past_due</c> and <c>unpaid</c> are past due; the rules tell no other status apart.</summary>
    private static SubscriptionStatus Status(JsonElement subscription) =>
        Str(subscription, "status") is "past_due" or "unpaid" ? SubscriptionStatus.PastDue : SubscriptionStatus.Active;
}
