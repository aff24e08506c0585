using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Licensing.Domain.Email;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Licensing.Tests.Billing;

/// <summary>
/// Stripe → license → inbox, end to end over HTTP on the local host: real Stripe.net signatures, Azurite tables and
/// queues driving the queue-triggered functions, and smtp4dev as the SMTP server.
/// </summary>
public sealed class StripePipelineTests(SharedHost shared, ITestOutputHelper output) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;
    private static readonly TimeSpan Patience = Support.Patience.Bound;

    private async Task<(string AccountId, string ApiKey)> ConnectedAccountAsync(object? product = null)
    {
        await Smtp4dev.RequireAsync();
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        if (product is not null) Assert.Equal(HttpStatusCode.OK, (await Host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        var r = await Host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret }, apiKey);
        Assert.Equal(HttpStatusCode.NoContent, r.Status);
        return (accountId, apiKey);
    }

    private Task<ApiResponse> DeliverAsync(string accountId, JsonObject stripeEvent, string? signature = null) =>
        StripeEvents.DeliverAsync(Host, accountId, stripeEvent, signature);

    private Task<System.Text.Json.JsonElement[]> LicensesAsync(string apiKey, string email) => CustomerLicenses.ListAsync(Host, apiKey, email);

    private Task<System.Text.Json.JsonElement> WaitForLicenseAsync(string apiKey, string email, Func<System.Text.Json.JsonElement, bool>? until = null) =>
        CustomerLicenses.WaitAsync(Host, apiKey, email, until);

    private async Task WaitForVerdictAsync(string key, string code)
    {
        var deadline = Support.Patience.Deadline;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = (await Host.PostAsync("v1/validate", new { key })).Json.GetProperty("code").GetString();
            if (last == code) return;
            await Task.Delay(250);
        }
        Assert.Fail($"expected {code} within the cache bound, still {last}");
    }

    private static string NewEmail() => $"buyer-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task A_signed_checkout_provisions_one_license_and_emails_a_key_that_validates()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        var stopwatch = Stopwatch.StartNew();
        var r = await DeliverAsync(accountId, StripeEvents.Event("checkout.session.completed",
            StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email, domain: "https://www.buyer-site.com/")));
        var webhookMs = stopwatch.Elapsed.TotalMilliseconds;
        Assert.Equal(HttpStatusCode.OK, r.Status);

        var messages = await Smtp4dev.WaitForAsync(email, 1, Patience);
        var inboxMs = stopwatch.Elapsed.TotalMilliseconds;
        output.WriteLine($"webhook answered in {webhookMs:F0} ms; e-mail in smtp4dev {inboxMs:F0} ms after the webhook was sent");
        File.AppendAllText(Repo.PathTo(".local", "webhook-latency.txt"),
            $"{DateTimeOffset.UtcNow:O} webhook {webhookMs:F0} ms, inbox {inboxMs:F0} ms{Environment.NewLine}");

        var message = Assert.Single(messages);
        Assert.Equal("Your My Plugin license key", message.Subject);
        var text = await Smtp4dev.PlainTextAsync(message.Id);
        var license = Assert.Single(await LicensesAsync(apiKey, email));
        var key = license.GetProperty("licenseKey").GetString()!;
        Assert.Contains(key, text);
        Assert.Equal(["buyer-site.com"], license.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("pro", license.GetProperty("plan").GetString());

        var html = await Smtp4dev.HtmlAsync(message.Id);
        Assert.Contains(key, html);
        Assert.Contains("My Plugin", html);

        var v = (await Host.PostAsync("v1/validate", new { key, domain = "buyer-site.com" })).Json;
        Assert.Equal("VALID", v.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_same_event_six_times_three_at_once_makes_one_license_and_one_email()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        var stripeEvent = StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email));
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => DeliverAsync(accountId, stripeEvent)));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(accountId, stripeEvent)).Status);

        await WaitForLicenseAsync(apiKey, email);
        await Smtp4dev.WaitForAsync(email, 1, Patience);
        await Task.Delay(1500); // give any duplicate the time to show up
        Assert.Single(await LicensesAsync(apiKey, email));
        Assert.Single(await Smtp4dev.MessagesToAsync(email));
    }

    [Theory]
    [InlineData("/", "#")]
    [InlineData("?", "\\")]
    [InlineData("\u0001", "/")]
    public async Task Event_and_object_ids_with_characters_storage_keys_refuse_still_make_one_license_and_one_email(string inEvent, string inSession)
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        var eventId = $"evt_{inEvent}{Guid.NewGuid():N}";
        var stripeEvent = StripeEvents.Event("checkout.session.completed",
            StripeEvents.CheckoutSession($"cs_{inSession}{Guid.NewGuid():N}", email, paymentIntent: $"pi_{inEvent}{inSession}{Guid.NewGuid():N}"), id: eventId);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(accountId, stripeEvent)).Status);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(accountId, stripeEvent)).Status);

        var license = await WaitForLicenseAsync(apiKey, email);
        await Smtp4dev.WaitForAsync(email, 1, Patience);
        Assert.Single(await LicensesAsync(apiKey, email));
        Assert.Empty((await Host.GetAsync("v1/integrations/stripe/failures", apiKey)).Json.GetProperty("items").EnumerateArray());

        // A refund found through the payment intent's link revokes it.
        var paymentIntent = stripeEvent["data"]!["object"]!["payment_intent"]!.GetValue<string>();
        var refund = StripeEvents.Event("charge.refunded", StripeEvents.Charge(paymentIntent, 4900, 4900), id: $"evt_{inSession}{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(accountId, refund)).Status);
        await WaitForLicenseAsync(apiKey, email, l => l.GetProperty("status").GetString() == "revoked");
        Assert.Equal(license.GetProperty("licenseId").GetString(), Assert.Single(await LicensesAsync(apiKey, email)).GetProperty("licenseId").GetString());
    }

    [Fact]
    public async Task The_same_checkout_in_two_different_events_still_makes_one_license()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        var session = StripeEvents.NewId("cs");
        await DeliverAsync(accountId, StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(session, email)));
        await DeliverAsync(accountId, StripeEvents.Event("checkout.session.async_payment_succeeded", StripeEvents.CheckoutSession(session, email)));
        await WaitForLicenseAsync(apiKey, email);
        await Smtp4dev.WaitForAsync(email, 1, Patience);
        await Task.Delay(1500);
        Assert.Single(await LicensesAsync(apiKey, email));
        Assert.Single(await Smtp4dev.MessagesToAsync(email));
    }

    [Fact]
    public async Task An_unpaid_checkout_waits_for_async_payment_succeeded()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        var session = StripeEvents.NewId("cs");
        await DeliverAsync(accountId, StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(session, email, paymentStatus: "unpaid")));
        await Task.Delay(1500);
        Assert.Empty(await LicensesAsync(apiKey, email));
        await DeliverAsync(accountId, StripeEvents.Event("checkout.session.async_payment_succeeded", StripeEvents.CheckoutSession(session, email)));
        await WaitForLicenseAsync(apiKey, email);
    }

    [Fact]
    public async Task Bad_or_stale_signatures_are_400_and_store_nothing()
    {
        var (accountId, _) = await ConnectedAccountAsync();
        var stripeEvent = StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), NewEmail()));
        var payload = StripeEvents.Json(stripeEvent);
        var cases = new[]
        {
            StripeEvents.Sign(payload, "whsec_someone_else"),
            StripeEvents.Sign(payload, at: DateTimeOffset.UtcNow.AddSeconds(-301)),
            StripeEvents.Sign(payload + " "),
            "t=1,v1=deadbeef",
            "",
        };
        foreach (var signature in cases)
            (await DeliverAsync(accountId, stripeEvent, signature)).AssertProblem(HttpStatusCode.BadRequest, "INVALID_SIGNATURE");
        var inbox = new TableClient(TestHost.Azurite, "stripeevents");
        Assert.Empty(inbox.Query<TableEntity>(e => e.PartitionKey == accountId).ToList());
        // Not connected: 404, nothing stored.
        var (other, _) = await Host.CreateAccountAsync();
        (await DeliverAsync(other, stripeEvent)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Unknown_types_are_acknowledged_and_ignored_and_other_api_versions_are_accepted()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var r = await DeliverAsync(accountId, StripeEvents.Event("customer.created", new JsonObject { ["id"] = "cus_1", ["object"] = "customer" }));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.False(r.Json.GetProperty("handled").GetBoolean());
        Assert.Empty(new TableClient(TestHost.Azurite, "stripeevents").Query<TableEntity>(e => e.PartitionKey == accountId).ToList());

        var email = NewEmail();
        await DeliverAsync(accountId,
            StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email), apiVersion: "2019-02-19"));
        await WaitForLicenseAsync(apiKey, email);
    }

    [Fact]
    public async Task Subscription_lifecycle_renews_cancels_and_ends_and_older_events_never_win()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        var subscription = StripeEvents.NewId("sub");
        var t0 = DateTimeOffset.UtcNow;
        var periodEnd = t0.AddDays(33);

        // invoice.paid can arrive before the checkout: it is retried until the license exists.
        await DeliverAsync(accountId, StripeEvents.Event("invoice.paid", StripeEvents.Invoice(subscription, periodEnd), created: t0.AddSeconds(2)));
        await DeliverAsync(accountId,
            StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email, subscription: subscription),
                created: t0));
        var license = await WaitForLicenseAsync(apiKey, email, l =>
            l.GetProperty("expiresAt").GetString() == Licensing.Functions.Http.Json.Format(DateTimeOffset.FromUnixTimeSeconds(periodEnd.ToUnixTimeSeconds())));
        var id = license.GetProperty("licenseId").GetString();

        // A newer update cancels at period end; an older update delivered afterwards changes nothing.
        await DeliverAsync(accountId,
            StripeEvents.Event("customer.subscription.updated", StripeEvents.Subscription(subscription, cancelAtPeriodEnd: true, periodEnd: periodEnd),
                created: t0.AddSeconds(20)));
        await WaitForLicenseAsync(apiKey, email, l => l.GetProperty("billingState").GetString() == "canceling");
        await DeliverAsync(accountId,
            StripeEvents.Event("customer.subscription.updated", StripeEvents.Subscription(subscription, status: "past_due", periodEnd: periodEnd.AddDays(60)),
                created: t0.AddSeconds(10)));
        await Task.Delay(1500);
        var still = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal("canceling", still.GetProperty("billingState").GetString());

        await DeliverAsync(accountId,
            StripeEvents.Event("customer.subscription.deleted", StripeEvents.Subscription(subscription, status: "canceled"), created: t0.AddSeconds(30)));
        var ended = await WaitForLicenseAsync(apiKey, email, l => l.GetProperty("status").GetString() == "expired");
        Assert.Equal("canceled", ended.GetProperty("billingState").GetString());
        // Processing may have run on another instance: its change is seen within the 5 s license-cache bound.
        await WaitForVerdictAsync(ended.GetProperty("licenseKey").GetString()!, "EXPIRED");

        // A late, older renewal does not bring it back.
        await DeliverAsync(accountId,
            StripeEvents.Event("invoice.paid", StripeEvents.Invoice(subscription, periodEnd.AddDays(30)), created: t0.AddSeconds(25)));
        await Task.Delay(1500);
        Assert.Equal("expired", (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Payment_failure_is_past_due_with_grace_and_a_later_payment_clears_it()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        var subscription = StripeEvents.NewId("sub");
        var t0 = DateTimeOffset.UtcNow;
        await DeliverAsync(accountId,
            StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email, subscription: subscription),
                created: t0));
        await WaitForLicenseAsync(apiKey, email);
        await DeliverAsync(accountId, StripeEvents.Event("invoice.payment_failed", StripeEvents.Invoice(subscription, t0), created: t0.AddSeconds(5)));
        var pastDue = await WaitForLicenseAsync(apiKey, email, l => l.GetProperty("billingState").GetString() == "past_due");
        Assert.Equal("active", pastDue.GetProperty("status").GetString());
        await DeliverAsync(accountId, StripeEvents.Event("invoice.paid", StripeEvents.Invoice(subscription, t0.AddDays(30)), created: t0.AddSeconds(10)));
        await WaitForLicenseAsync(apiKey, email, l => l.GetProperty("billingState").ValueKind == System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task A_full_refund_revokes_a_partial_one_does_not_and_a_dispute_suspends()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var (email1, email2) = (NewEmail(), NewEmail());
        var (pi1, pi2) = (StripeEvents.NewId("pi"), StripeEvents.NewId("pi"));
        await DeliverAsync(accountId,
            StripeEvents.Event("checkout.session.completed",
                StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email1, plan: "lifetime", paymentIntent: pi1)));
        await DeliverAsync(accountId,
            StripeEvents.Event("checkout.session.completed",
                StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email2, plan: "lifetime", paymentIntent: pi2)));
        await WaitForLicenseAsync(apiKey, email1);
        await WaitForLicenseAsync(apiKey, email2);

        await DeliverAsync(accountId, StripeEvents.Event("charge.refunded", StripeEvents.Charge(pi1, 4900, 1000)));
        await Task.Delay(1000);
        Assert.Equal("active", (await LicensesAsync(apiKey, email1))[0].GetProperty("status").GetString());
        await DeliverAsync(accountId, StripeEvents.Event("charge.refunded", StripeEvents.Charge(pi1, 4900, 4900)));
        var revoked = await WaitForLicenseAsync(apiKey, email1, l => l.GetProperty("status").GetString() == "revoked");
        Assert.Equal("refund", revoked.GetProperty("statusReason").GetString());
        await WaitForVerdictAsync(revoked.GetProperty("licenseKey").GetString()!, "REVOKED");

        await DeliverAsync(accountId, StripeEvents.Event("charge.dispute.created", StripeEvents.Dispute(pi2)));
        var suspended = await WaitForLicenseAsync(apiKey, email2, l => l.GetProperty("status").GetString() == "suspended");
        Assert.Equal("dispute", suspended.GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task Prices_map_to_plans_when_metadata_is_absent_and_failures_can_be_listed_and_replayed()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        var stripeEvent = StripeEvents.Event("checkout.session.completed",
            StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email, productId: null, plan: null, linePrices: ["price_business_yearly"]));
        var eventId = stripeEvent["id"]!.GetValue<string>();
        await DeliverAsync(accountId, stripeEvent);

        // No plan carries that price yet: a permanent failure, listed with its reason.
        var deadline = DateTime.UtcNow + Patience;
        System.Text.Json.JsonElement failure;
        while (true)
        {
            var items = (await Host.GetAsync("v1/integrations/stripe/failures", apiKey)).Json.GetProperty("items").EnumerateArray().ToArray();
            if (items.FirstOrDefault(i => i.GetProperty("eventId").GetString() == eventId) is { ValueKind: System.Text.Json.JsonValueKind.Object } f)
            {
                failure = f;
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "no failure recorded");
            await Task.Delay(100);
        }
        Assert.Contains("price_business_yearly", failure.GetProperty("reason").GetString());

        // The founder adds the price to a plan and replays.
        var product = new
        {
            name = "My Plugin",
            plans = new object[]
            {
                new { id = "pro", model = "subscription", durationDays = 365, maxActivations = 3, features = new[] { "export" } },
                new { id = "business", model = "subscription", durationDays = 365, features = new[] { "export", "custom-branding" },
                    stripePriceIds = new[] { "price_business_yearly" } },
            },
        };
        Assert.Equal(HttpStatusCode.OK, (await Host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Host.PostAsync($"v1/integrations/stripe/failures/{eventId}/replay", null, apiKey)).Status);
        var license = await WaitForLicenseAsync(apiKey, email);
        Assert.Equal("business", license.GetProperty("plan").GetString());
        Assert.Empty((await Host.GetAsync("v1/integrations/stripe/failures", apiKey)).Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_message_that_keeps_failing_lands_in_the_poison_queue_with_its_reason()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        // A renewal for a subscription whose checkout never arrives: retried maxDequeueCount times, then poison.
        var stripeEvent = StripeEvents.Event("invoice.paid", StripeEvents.Invoice(StripeEvents.NewId("sub"), DateTimeOffset.UtcNow.AddDays(30)));
        var eventId = stripeEvent["id"]!.GetValue<string>();
        await DeliverAsync(accountId, stripeEvent);

        var poison = new QueueClient(TestHost.Azurite, "stripe-events-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var deadline = Support.Patience.Deadline;
        while (true)
        {
            var peeked = (await poison.PeekMessagesAsync(32)).Value;
            if (peeked.Any(m => m.MessageText.Contains(eventId, StringComparison.Ordinal))) break;
            Assert.True(DateTime.UtcNow < deadline, "the message never reached stripe-events-poison");
            await Task.Delay(200);
        }
        var failure = (await Host.GetAsync("v1/integrations/stripe/failures", apiKey)).Json.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("eventId").GetString() == eventId);
        Assert.Contains("no license for subscription", failure.GetProperty("reason").GetString());
        // Recorded on the last attempt, when the queue's dequeue count reached maxDequeueCount (5). Every test host polls the
        // shared queue, and one that stops while holding the message hands it back, which the service also counts: the count
        // at that last failure is 5, or more when a host handed it back on the way.
        Assert.True(failure.GetProperty("attempts").GetInt64() >= 5, failure.ToString());
    }

    [Fact]
    public async Task Resend_email_sends_the_key_again()
    {
        var (accountId, apiKey) = await ConnectedAccountAsync();
        var email = NewEmail();
        await DeliverAsync(accountId, StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email)));
        var license = await WaitForLicenseAsync(apiKey, email);
        await Smtp4dev.WaitForAsync(email, 1, Patience);
        var r = await Host.PostAsync($"v1/licenses/{license.GetProperty("licenseId").GetString()}/resend-email", null, apiKey);
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        Assert.Equal(2, (await Smtp4dev.WaitForAsync(email, 2, Patience)).Count);
    }

    [Fact]
    public async Task Stripe_secrets_are_never_stored_in_plain_text()
    {
        var (_, apiKey) = await ConnectedAccountAsync();
        const string restricted = "rk_test_restricted_key_value_123456";
        Assert.Equal(HttpStatusCode.NoContent,
            (await Host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret, apiKey = restricted }, apiKey)).Status);
        var service = new TableServiceClient(TestHost.Azurite);
        foreach (var table in service.Query())
            foreach (var entity in service.GetTableClient(table.Name).Query<TableEntity>())
                foreach (var value in ((IDictionary<string, object>)entity).Values.OfType<string>())
                {
                    Assert.DoesNotContain(StripeEvents.Secret, value);
                    Assert.DoesNotContain(restricted, value);
                }
        (await Host.PutAsync("v1/integrations/stripe", new { webhookSecret = "not-a-secret" }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }
}

/// <summary>A crash between creating the license and recording its e-mail: the retry ends with one of each.</summary>
public sealed class StripeCrashRecoveryTests(SharedHost shared) : IClassFixture<SharedHost>
{
    [Fact]
    public async Task A_crash_between_license_and_email_still_ends_with_exactly_one_of_each()
    {
        await Smtp4dev.RequireAsync();
        var host = shared.Host;
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        await host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret }, apiKey);
        var email = $"crash-{Guid.NewGuid():N}@example.com";
        // Every test host's outbox crashes once for this recipient, whichever host's queue runner takes the message.
        Faults.CrashOutboxOnce(email);
        var payload = StripeEvents.Json(StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email)));
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"v1/webhooks/stripe/{accountId}")
        { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeEvents.Sign(payload));
        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(request)).StatusCode);

        Assert.Single(await Smtp4dev.WaitForAsync(email, 1, Support.Patience.Bound));
        await Task.Delay(1500);
        Assert.True(Faults.Crashed(email), "the crash was injected");
        Assert.Single(await Smtp4dev.MessagesToAsync(email));
        Assert.Single((await host.GetAsync("v1/licenses?customerEmail=" + Uri.EscapeDataString(email), apiKey)).Json.GetProperty("items").EnumerateArray());
    }
}
