using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Billing;
using Licensing.Domain.Licenses;
using Licensing.Domain.Metrics;
using Licensing.Domain.Products;
using Licensing.Tests.Validation;

namespace Licensing.Tests.Billing;

/// <summary>The billing rules of every provider, pure: a license and a typed event in, the license to write out.</summary>
public sealed class BillingRulesTests
{
    private static readonly DateTimeOffset T0 = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProviderRef Sub = ProviderRef.Stripe("sub_1");
    private static readonly ProviderRef Pi = ProviderRef.Stripe("pi_1");

    private static BillingSource At(DateTimeOffset at) => new(ProviderRef.Stripe("evt_" + at.ToUnixTimeSeconds()), at, TestMode: false);

    private static License Subscribed(DateTimeOffset? billingUpdatedAt = null, BillingState state = BillingState.None,
        LicenseStatus status = LicenseStatus.Active,
        DateTimeOffset? expiresAt = null) =>
        ValidationRulesTests.Sample(status, expiresAt ?? T0.AddDays(30)) with { BillingUpdatedAt = billingUpdatedAt, BillingState = state };

    private static RenewalPaid Renewal(DateTimeOffset at, DateTimeOffset? periodEnd, bool first = false) =>
        new(Sub, periodEnd, [Pi], first) { Source = At(at) };

    private static SubscriptionChanged Change(DateTimeOffset at, bool cancelAtPeriodEnd = false, SubscriptionStatus status = SubscriptionStatus.Active,
        DateTimeOffset? periodEnd = null, params string[] prices) => new(Sub, status, prices, cancelAtPeriodEnd, periodEnd) { Source = At(at) };

    [Fact]
    public void An_older_subscription_update_after_a_newer_one_changes_nothing()
    {
        var canceling = BillingRules.Apply(Subscribed(T0), Change(T0.AddSeconds(20), cancelAtPeriodEnd: true, periodEnd: T0.AddDays(33)))!;
        Assert.Equal(BillingState.Canceling, canceling.BillingState);
        Assert.Equal(T0.AddSeconds(20), canceling.BillingUpdatedAt);

        Assert.Null(BillingRules.Apply(canceling, Change(T0.AddSeconds(10), status: SubscriptionStatus.PastDue, periodEnd: T0.AddDays(90))));
        Assert.Null(BillingRules.Apply(canceling, new PaymentFailed(Sub) { Source = At(T0.AddSeconds(10)) }));
    }

    [Fact]
    public void A_newer_renewal_sets_the_paid_period_exactly_and_a_late_older_one_can_only_extend()
    {
        var license = Subscribed(T0.AddSeconds(10), expiresAt: T0.AddDays(60));
        Assert.Equal(T0.AddDays(33), BillingRules.Apply(license, Renewal(T0.AddSeconds(20), T0.AddDays(33)))!.ExpiresAt);

        var older = BillingRules.Apply(license, Renewal(T0.AddSeconds(5), T0.AddDays(33)))!;
        Assert.Equal(T0.AddDays(60), older.ExpiresAt);
        Assert.Equal(T0.AddSeconds(10), older.BillingUpdatedAt);
        Assert.Equal(T0.AddDays(90), BillingRules.Apply(license, Renewal(T0.AddSeconds(5), T0.AddDays(90)))!.ExpiresAt);
    }

    [Fact]
    public void A_late_renewal_never_revives_a_license_canceled_after_it()
    {
        var ended = BillingRules.Apply(Subscribed(T0), new SubscriptionEnded(Sub, T0.AddSeconds(30)) { Source = At(T0.AddSeconds(30)) })!;
        Assert.Equal(LicenseStatus.Expired, ended.Status);
        Assert.Equal(BillingState.Canceled, ended.BillingState);
        Assert.Equal(T0.AddSeconds(30), ended.ExpiresAt);

        Assert.Null(BillingRules.Apply(ended, Renewal(T0.AddSeconds(25), T0.AddDays(60))));
    }

    [Fact]
    public void A_failed_payment_is_past_due_with_a_grace_period_and_a_later_payment_clears_it()
    {
        var soon = Subscribed(T0, expiresAt: T0.AddDays(1));
        var pastDue = BillingRules.Apply(soon, new PaymentFailed(Sub) { Source = At(T0.AddSeconds(5)) })!;
        Assert.Equal(BillingState.PastDue, pastDue.BillingState);
        Assert.Equal(LicenseStatus.Active, pastDue.Status);
        Assert.Equal(T0.AddSeconds(5) + BillingRules.PastDueGrace, pastDue.ExpiresAt);

        // A grace never shortens a longer paid period.
        var later = Subscribed(T0, expiresAt: T0.AddDays(20));
        Assert.Equal(T0.AddDays(20), BillingRules.Apply(later, new PaymentFailed(Sub) { Source = At(T0.AddSeconds(5)) })!.ExpiresAt);

        var paid = BillingRules.Apply(pastDue, Renewal(T0.AddSeconds(10), T0.AddDays(30)))!;
        Assert.Equal(BillingState.None, paid.BillingState);
        Assert.Equal(T0.AddDays(30), paid.ExpiresAt);
    }

    [Fact]
    public void Cancel_at_period_end_ends_at_the_period_and_undoing_it_clears_the_mark()
    {
        var license = Subscribed(T0, expiresAt: T0.AddDays(365));
        var canceling = BillingRules.Apply(license, Change(T0.AddSeconds(1), cancelAtPeriodEnd: true, periodEnd: T0.AddDays(30)))!;
        Assert.Equal(BillingState.Canceling, canceling.BillingState);
        Assert.Equal(T0.AddDays(30), canceling.ExpiresAt); // the period end, even when earlier than the license's expiry

        var resumed = BillingRules.Apply(canceling, Change(T0.AddSeconds(2), periodEnd: T0.AddDays(30)))!;
        Assert.Equal(BillingState.None, resumed.BillingState);
        Assert.Equal(BillingState.PastDue, BillingRules.Apply(canceling, Change(T0.AddSeconds(2), status: SubscriptionStatus.PastDue))!.BillingState);
    }

    [Fact]
    public void A_subscription_moved_to_another_plan_takes_its_terms()
    {
        var business = new Plan("business", "Business", LicenseModel.Subscription, 365, null, ["export", "custom-branding"], PlanPolicy.Default);
        var moved = BillingRules.Apply(Subscribed(T0), Change(T0.AddSeconds(1)), business)!;
        Assert.Equal(("business", (int?)null), (moved.Plan, moved.MaxActivations));
        Assert.Equal(["export", "custom-branding"], moved.Features);
    }

    [Fact]
    public void A_full_refund_revokes_a_partial_one_changes_nothing_and_a_dispute_suspends()
    {
        var license = Subscribed(T0);
        var revoked = BillingRules.Apply(license, new Refunded([Pi], RefundExtent.Full) { Source = At(T0) })!;
        Assert.Equal((LicenseStatus.Revoked, "refund"), (revoked.Status, revoked.StatusReason));
        var partial = new Refunded([Pi], RefundExtent.Partial) { Source = At(T0) };
        Assert.Null(BillingRules.Apply(license, partial));
        Assert.Equal("partial refund: license unchanged", BillingRules.Inert(partial)); // not even looked up
        Assert.Null(BillingRules.Inert(new Refunded([Pi], RefundExtent.Full) { Source = At(T0) }));

        var disputed = BillingRules.Apply(license, new Disputed([Pi]) { Source = At(T0) })!;
        Assert.Equal((LicenseStatus.Suspended, "dispute"), (disputed.Status, disputed.StatusReason));
        Assert.Null(BillingRules.Apply(disputed, new Disputed([Pi]) { Source = At(T0) }));
    }

    [Fact]
    public void A_revoked_license_stays_revoked_whatever_billing_says()
    {
        var revoked = Subscribed(T0, status: LicenseStatus.Revoked);
        BillingEvent[] events =
        [
            Renewal(T0.AddSeconds(1), T0.AddDays(30)), new PaymentFailed(Sub) { Source = At(T0.AddSeconds(1)) },
                Change(T0.AddSeconds(1), cancelAtPeriodEnd: true),
            new SubscriptionEnded(Sub, T0.AddSeconds(1)) { Source = At(T0.AddSeconds(1)) }, new Refunded([Pi], RefundExtent.Full) { Source = At(T0) },
            new Disputed([Pi]) { Source = At(T0) },
        ];
        Assert.All(events, e => Assert.Null(BillingRules.Apply(revoked, e)));
    }

    [Fact]
    public void A_purchase_records_its_time_once_and_links_its_objects_and_emails_the_key()
    {
        var purchase = Purchase(subscription: Sub, payment: Pi) with { Source = At(T0) };
        Assert.Equal(T0, BillingRules.Apply(Subscribed(), purchase)!.BillingUpdatedAt);
        Assert.Null(BillingRules.Apply(Subscribed(T0.AddSeconds(2)), purchase)); // a renewal applied first stays

        var effects = BillingRules.Effects(purchase);
        Assert.Equal([purchase.Purchase, Sub, Pi], effects.Links);
        Assert.True(effects.EmailKey);
        Assert.Null(effects.Metric);
    }

    [Fact]
    public void Renewals_and_ends_count_in_metrics_but_a_subscription_s_first_invoice_is_no_renewal()
    {
        Assert.Null(BillingRules.Effects(Renewal(T0, T0.AddDays(30), first: true)).Metric);
        Assert.Equal(new MetricsDelta(Renewals: 1), BillingRules.Effects(Renewal(T0, T0.AddDays(30))).Metric);
        Assert.Equal([Pi], BillingRules.Effects(Renewal(T0, T0.AddDays(30))).Links);
        Assert.Equal(new MetricsDelta(Expirations: 1), BillingRules.Effects(new SubscriptionEnded(Sub, T0) { Source = At(T0) }).Metric);
        Assert.False(BillingRules.Effects(new Disputed([Pi]) { Source = At(T0) }).EmailKey);
    }

    [Fact]
    public void Billing_states_are_stored_as_the_strings_licenses_always_had()
    {
        Assert.Equal([null, "past_due", "canceling", "canceled"], Enum.GetValues<BillingState>().Select(s => s.ToStored()));
        Assert.All(Enum.GetValues<BillingState>(), s => Assert.Equal(s, BillingStates.Parse(s.ToStored())));
    }

    [Fact]
    public void A_purchase_names_the_license_id_a_stripe_checkout_always_did_and_providers_never_share_keys()
    {
        // The documented derivation (docs/stripe.md): stored licenses and links keep their ids.
        var expected = "lic_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("stripe-checkout:acct_1:cs_1")).AsSpan(0, 12));
        Assert.Equal(expected, BillingKeys.LicenseIdForPurchase("acct_1", ProviderRef.Stripe("cs_1")));
        Assert.NotEqual(expected, BillingKeys.LicenseIdForPurchase("acct_1", new ProviderRef(BillingProvider.Paddle, "cs_1")));
        Assert.Equal("cs_1", ProviderRef.Stripe("cs_1").LinkKey);
        Assert.Equal("lemonsqueezy:1", new ProviderRef(BillingProvider.LemonSqueezy, "1").LinkKey);
    }

    [Fact]
    public void Purchase_terms_come_from_named_product_and_plan_or_from_a_plan_listing_one_of_the_prices()
    {
        var pro = new Plan("pro", "Pro", LicenseModel.Subscription, 365, 3, [], PlanPolicy.Default);
        var business = pro with { Id = "business", StripePriceIds = ["price_b"] };
        var product = new Product("acct_1", "my-plugin", "My Plugin", [pro, business], T0, T0, DevelopmentHostPolicy.Default);

        Assert.Equal("pro", PlanLookup.Named(Purchase("my-plugin", "pro"), product).Plan.Id);
        Assert.Contains("has no plan 'gold'", Assert.Throws<BillingPermanentException>(() => PlanLookup.Named(Purchase("my-plugin", "gold"), product)).Message);
        Assert.Contains("not a product", Assert.Throws<BillingPermanentException>(() => PlanLookup.Named(Purchase("other", "pro"), null)).Message);

        Assert.Equal(business, PlanLookup.Priced(Purchase(prices: ["price_x", "price_b"]), [product]).Plan);
        Assert.Contains("price_x", Assert.Throws<BillingPermanentException>(() => PlanLookup.Priced(Purchase(prices: ["price_x"]), [product])).Message);
        // Another provider's ids never match Stripe's price list.
        Assert.Null(PlanLookup.ByPrices(product, BillingProvider.Paddle, ["price_b"]));
    }

    private static PurchaseCompleted Purchase(string? productId = null, string? plan = null, string[]? prices = null, ProviderRef? subscription = null,
        ProviderRef? payment = null) =>
        new(ProviderRef.Stripe("cs_1"), "c@example.com", productId, plan, null, prices ?? [], subscription, payment, null,
            new Dictionary<string, string?>())
        { Source = At(T0) };
}
