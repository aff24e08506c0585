using System.Text.Json.Nodes;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Stripe;
using Licensing.Functions.Hosting;
using Licensing.Tests.Support;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Billing;

/// <summary>Stripe's edge without any emulator: stored Stripe events of current and older API versions become typed billing events.</summary>
public sealed class StripeEventParserTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private sealed class NoSecrets : ISecretStore
    {
        public Task UpsertAsync(string name, string value, CancellationToken ct) => Task.CompletedTask;

        public Task<string?> GetAsync(string name, CancellationToken ct) => Task.FromResult<string?>(null);
    }

    private static Task<BillingEvent> ParseAsync(JsonObject stripeEvent)
    {
        var parser = new StripeEventParser(new NoSecrets(), Options.Create(new LicensingOptions()));
        var stored = new ProviderEvent("acct_1", stripeEvent["id"]!.GetValue<string>(), stripeEvent["type"]!.GetValue<string>(),
            DateTimeOffset.FromUnixTimeSeconds(stripeEvent["created"]!.GetValue<long>()), System.Text.Encoding.UTF8.GetBytes(StripeEvents.Json(stripeEvent)));
        return parser.ParseAsync(stored, CancellationToken.None);
    }

    [Fact]
    public async Task A_paid_checkout_is_a_purchase_with_stripe_references_and_its_origin()
    {
        var e = StripeEvents.Event("checkout.session.completed",
            StripeEvents.CheckoutSession("cs_1", "buyer@example.com", domain: "buyer-site.com", subscription: "sub_1", paymentIntent: "pi_1"), created: T0);
        var purchase = Assert.IsType<PurchaseCompleted>(await ParseAsync(e));
        Assert.Equal(ProviderRef.Stripe("cs_1"), purchase.Purchase);
        Assert.Equal((ProviderRef.Stripe("sub_1"), ProviderRef.Stripe("pi_1")), (purchase.Subscription, purchase.Payment));
        Assert.Equal(("buyer@example.com", "my-plugin", "pro", "buyer-site.com"), (purchase.CustomerEmail, purchase.ProductId, purchase.Plan, purchase.Domain));
        Assert.Empty(purchase.PriceIds); // named terms: no line items read
        Assert.Equal(new BillingSource(ProviderRef.Stripe(e["id"]!.GetValue<string>()), T0, TestMode: true), purchase.Source); // livemode: false
        Assert.Equal("cs_1", purchase.Metadata["stripeCheckoutSession"]);
    }

    [Fact]
    public async Task An_unpaid_checkout_awaits_payment_and_one_without_an_email_fails_for_good()
    {
        var unpaid = StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession("cs_1", "b@example.com", paymentStatus: "unpaid"));
        Assert.Contains("payment_status=unpaid", Assert.IsType<PaymentAwaited>(await ParseAsync(unpaid)).Awaiting);
        // The async success event is the payment: it provisions whatever the payment_status it carries.
        var succeeded = StripeEvents.Event("checkout.session.async_payment_succeeded",
            StripeEvents.CheckoutSession("cs_1", "b@example.com", paymentStatus: "unpaid"));
        Assert.IsType<PurchaseCompleted>(await ParseAsync(succeeded));

        var session = StripeEvents.CheckoutSession("cs_2", "b@example.com");
        session.Remove("customer_details");
        await Assert.ThrowsAsync<BillingPermanentException>(() => ParseAsync(StripeEvents.Event("checkout.session.completed", session)));
    }

    [Fact]
    public async Task Without_metadata_the_prices_come_from_the_line_items()
    {
        var e = StripeEvents.Event("checkout.session.completed",
            StripeEvents.CheckoutSession("cs_1", "b@example.com", productId: null, plan: null, linePrices: ["price_a", "price_b"]));
        Assert.Equal(["price_a", "price_b"], Assert.IsType<PurchaseCompleted>(await ParseAsync(e)).PriceIds);
    }

    [Fact]
    public async Task Invoices_of_current_and_older_api_versions_name_their_subscription_period_and_payments()
    {
        var current = StripeEvents.Invoice("sub_1", T0.AddDays(30), paymentIntent: "pi_9");
        var renewal = Assert.IsType<RenewalPaid>(await ParseAsync(StripeEvents.Event("invoice.paid", current)));
        Assert.Equal((ProviderRef.Stripe("sub_1"), T0.AddDays(30)), (renewal.Subscription, renewal.PeriodEnd));
        Assert.Equal([ProviderRef.Stripe("pi_9")], renewal.Payments);
        Assert.False(renewal.FirstOfSubscription);

        var older = StripeEvents.Invoice("ignored", T0.AddDays(30));
        older.Remove("parent");
        older["subscription"] = "sub_old";
        older["payment_intent"] = "pi_old";
        older["billing_reason"] = "subscription_create";
        var first = Assert.IsType<RenewalPaid>(await ParseAsync(StripeEvents.Event("invoice.paid", older.DeepClone().AsObject())));
        Assert.Equal((ProviderRef.Stripe("sub_old"), true), (first.Subscription, first.FirstOfSubscription));
        Assert.Equal([ProviderRef.Stripe("pi_old")], first.Payments);

        older.Remove("subscription");
        Assert.Equal("not a subscription invoice",
            Assert.IsType<Ignored>(await ParseAsync(StripeEvents.Event("invoice.payment_failed", older.DeepClone().AsObject()))).Reason);
        Assert.Equal(ProviderRef.Stripe("sub_1"),
            Assert.IsType<PaymentFailed>(await ParseAsync(StripeEvents.Event("invoice.payment_failed", current.DeepClone().AsObject()))).Subscription);
    }

    [Fact]
    public async Task Subscription_updates_carry_status_prices_cancellation_and_the_latest_period_end()
    {
        var subscription = StripeEvents.Subscription("sub_1", status: "unpaid", cancelAtPeriodEnd: true, periodEnd: T0.AddDays(30), price: "price_b");
        subscription["current_period_end"] = T0.AddDays(10).ToUnixTimeSeconds(); // older API versions keep it here; the later wins
        var changed = Assert.IsType<SubscriptionChanged>(await ParseAsync(StripeEvents.Event("customer.subscription.updated", subscription)));
        Assert.Equal((SubscriptionStatus.PastDue, true, T0.AddDays(30)), (changed.Status, changed.CancelAtPeriodEnd, changed.PeriodEnd));
        Assert.Equal(["price_b"], changed.PriceIds);

        var ended = Assert.IsType<SubscriptionEnded>(await ParseAsync(StripeEvents.Event("customer.subscription.deleted",
            StripeEvents.Subscription("sub_1", status: "active"), created: T0)));
        Assert.Equal(T0, ended.EndedAt); // no ended_at: the event's time
    }

    [Fact]
    public async Task Refunds_are_full_or_partial_and_disputes_name_their_payment()
    {
        var partial = Assert.IsType<Refunded>(await ParseAsync(StripeEvents.Event("charge.refunded", StripeEvents.Charge("pi_1", 4900, 1000))));
        Assert.Equal((RefundExtent.Partial, ProviderRef.Stripe("pi_1")), (partial.Extent, partial.Payments.Single()));
        var charge = StripeEvents.Charge("pi_1", 4900, 4900);
        charge["refunded"] = false; // the amounts alone say it is full
        Assert.Equal(RefundExtent.Full, Assert.IsType<Refunded>(await ParseAsync(StripeEvents.Event("charge.refunded", charge))).Extent);

        var dispute = StripeEvents.Dispute("pi_2");
        var disputed = Assert.IsType<Disputed>(await ParseAsync(StripeEvents.Event("charge.dispute.created", dispute)));
        Assert.Equal([ProviderRef.Stripe("pi_2"), ProviderRef.Stripe(dispute["charge"]!.GetValue<string>())], disputed.Payments);
    }
}
