using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Licensing.Tests.Support;
using Xunit.Abstractions;

namespace Licensing.Tests.Billing;

/// <summary>
/// Lemon Squeezy, Paddle and Gumroad on the one provisioning pipeline, end to end over HTTP on the local host: each
/// provider's real authenticity check, Azurite tables and queues driving the queue-triggered processor, smtp4dev for
/// the key e-mail. Every provider gets Stripe's guarantees.
/// </summary>
public sealed class ProviderPipelineTests(SharedHost shared, ITestOutputHelper output) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;
    private static readonly TimeSpan Patience = Support.Patience.Bound;

    public static TheoryData<string> Providers => new() { "lemonsqueezy", "paddle", "gumroad" };

    private async Task<(string AccountId, string ApiKey, ProviderDriver Driver)> ConnectedAsync(string provider, object? product = null)
    {
        await Smtp4dev.RequireAsync();
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        if (product is not null) Assert.Equal(HttpStatusCode.OK, (await Host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        var driver = ProviderDriver.For(provider);
        await ConnectAsync(driver, accountId, apiKey);
        return (accountId, apiKey, driver);
    }

    private async Task ConnectAsync(ProviderDriver driver, string accountId, string apiKey)
    {
        var r = await Host.PutAsync($"v1/integrations/{driver.Name}", driver.Settings, apiKey);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        var url = r.Json.GetProperty("webhookUrl").GetString()!;
        var expected = new Uri(Host.BaseAddress, $"v1/webhooks/{driver.Name}/{accountId}").ToString();
        Assert.StartsWith(expected, url, StringComparison.Ordinal);
        driver.WebhookPath = url[Host.BaseAddress.ToString().Length..];
    }

    private async Task<ApiResponse> SendAsync(Delivery d)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, d.Path) { Content = new ByteArrayContent(d.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(d.ContentType);
        foreach (var (name, value) in d.Headers()) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await Host.Http.SendAsync(request);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers,
            response.Content.Headers.ContentType?.MediaType);
    }

    private async Task DeliverAsync(params IEnumerable<Delivery> deliveries)
    {
        foreach (var d in deliveries)
        {
            var r = await SendAsync(d);
            Assert.True(r.Status == HttpStatusCode.OK, r.Text);
            Assert.True(r.Json.GetProperty("handled").GetBoolean(), r.Text);
        }
    }

    private Task<JsonElement[]> LicensesAsync(string apiKey, string email) => CustomerLicenses.ListAsync(Host, apiKey, email);

    private Task<JsonElement> WaitForLicenseAsync(string apiKey, string email, Func<JsonElement, bool>? until = null) =>
        CustomerLicenses.WaitAsync(Host, apiKey, email, until);

    private async Task<JsonElement> WaitForFailureAsync(string provider, string apiKey, Func<JsonElement, bool> match, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (true)
        {
            var items = (await Host.GetAsync($"v1/integrations/{provider}/failures", apiKey)).Json.GetProperty("items").EnumerateArray().ToArray();
            if (items.FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } f) return f;
            Assert.True(DateTime.UtcNow < deadline, "no failure recorded");
            await Task.Delay(200);
        }
    }

    private static string NewEmail() => $"buyer-{Guid.NewGuid():N}@example.com";

    private static string Status(JsonElement l) => l.GetProperty("status").GetString()!;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_purchase_provisions_one_license_and_emails_a_key_that_validates(string provider)
    {
        var (_, apiKey, driver) = await ConnectedAsync(provider);
        var email = NewEmail();
        var stopwatch = Stopwatch.StartNew();
        await DeliverAsync(driver.Purchase(new Sale(email, Domain: "https://www.buyer-site.com/")));
        var webhookMs = stopwatch.Elapsed.TotalMilliseconds;

        var message = Assert.Single(await Smtp4dev.WaitForAsync(email, 1, Patience));
        var inboxMs = stopwatch.Elapsed.TotalMilliseconds;
        output.WriteLine($"{provider}: webhook(s) answered in {webhookMs:F0} ms; e-mail in smtp4dev {inboxMs:F0} ms after the first was sent");
        File.AppendAllText(Repo.PathTo(".local", "webhook-latency.txt"),
            $"{DateTimeOffset.UtcNow:O} {provider} webhook {webhookMs:F0} ms, inbox {inboxMs:F0} ms{Environment.NewLine}");
        var license = Assert.Single(await LicensesAsync(apiKey, email));
        var key = license.GetProperty("licenseKey").GetString()!;
        Assert.Contains(key, await Smtp4dev.PlainTextAsync(message.Id));
        Assert.Equal("pro", license.GetProperty("plan").GetString());
        Assert.False(license.GetProperty("test").GetBoolean());
        Assert.Equal(["buyer-site.com"], license.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        var v = (await Host.PostAsync("v1/validate", new { key, domain = "buyer-site.com" })).Json;
        Assert.Equal("VALID", v.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_same_events_six_times_three_at_once_make_one_license_and_one_email(string provider)
    {
        var (_, apiKey, driver) = await ConnectedAsync(provider);
        var email = NewEmail();
        var purchase = driver.Purchase(new Sale(email, Subscription: true));
        foreach (var d in purchase)
        {
            var concurrent = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SendAsync(d)));
            Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        }
        for (var i = 0; i < 3; i++) await DeliverAsync(purchase);

        await WaitForLicenseAsync(apiKey, email);
        await Smtp4dev.WaitForAsync(email, 1, Patience);
        await Task.Delay(1500); // give any duplicate the time to show up
        Assert.Single(await LicensesAsync(apiKey, email));
        Assert.Single(await Smtp4dev.MessagesToAsync(email));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_full_refund_revokes_a_partial_one_does_not_and_a_dispute_suspends(string provider)
    {
        var (_, apiKey, driver) = await ConnectedAsync(provider);
        var (refunded, disputed) = (new Sale(NewEmail(), Plan: "lifetime"), new Sale(NewEmail(), Plan: "lifetime"));
        await DeliverAsync(driver.Purchase(refunded));
        await DeliverAsync(driver.Purchase(disputed));
        await WaitForLicenseAsync(apiKey, refunded.Email);
        await WaitForLicenseAsync(apiKey, disputed.Email);

        await DeliverAsync(driver.Refund(refunded, full: false));
        await Task.Delay(1500);
        Assert.Equal("active", Status((await LicensesAsync(apiKey, refunded.Email))[0]));
        await DeliverAsync(driver.Refund(refunded, full: true));
        var revoked = await WaitForLicenseAsync(apiKey, refunded.Email, l => Status(l) == "revoked");
        Assert.Equal("refund", revoked.GetProperty("statusReason").GetString());

        if (driver.Dispute(disputed) is not { } dispute) return; // Lemon Squeezy sends no dispute event (docs/providers/lemonsqueezy.md)
        await DeliverAsync(dispute);
        var suspended = await WaitForLicenseAsync(apiKey, disputed.Email, l => Status(l) == "suspended");
        Assert.Equal("dispute", suspended.GetProperty("statusReason").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_end_of_a_subscription_delivered_before_its_purchase_still_ends_the_license(string provider)
    {
        var (_, apiKey, driver) = await ConnectedAsync(provider);
        var sale = new Sale(NewEmail(), Subscription: true);
        await DeliverAsync(driver.SubscriptionEnded(sale, sale.At.AddMinutes(2)));
        await DeliverAsync(driver.Purchase(sale));
        var ended = await WaitForLicenseAsync(apiKey, sale.Email, l => Status(l) == "expired");
        Assert.Equal("canceled", ended.GetProperty("billingState").GetString());
        Assert.Single(await LicensesAsync(apiKey, sale.Email));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Forged_deliveries_are_400_and_store_nothing(string provider)
    {
        var (accountId, _, driver) = await ConnectedAsync(provider);
        foreach (var d in driver.Purchase(new Sale(NewEmail())))
            (await SendAsync(driver.Forged(d))).AssertProblem(HttpStatusCode.BadRequest, "INVALID_SIGNATURE");
        if (driver is GumroadDriver gumroad)
            (await SendAsync(gumroad.OtherSeller(new Sale(NewEmail())))).AssertProblem(HttpStatusCode.BadRequest, "INVALID_SIGNATURE");
        Assert.Empty(new TableClient(TestHost.Azurite, "stripeevents").Query<TableEntity>(e => e.PartitionKey == accountId).ToList());

        // An account that never connected the provider: 404, nothing stored.
        var (other, _) = await Host.CreateAccountAsync();
        var elsewhere = driver.Purchase(new Sale(NewEmail()))[^1];
        (await SendAsync(elsewhere with { Path = elsewhere.Path.Replace(accountId, other, StringComparison.Ordinal) }))
            .AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Test_mode_purchases_make_test_licenses_that_count_in_no_quota(string provider)
    {
        var (accountId, apiKey, driver) = provider == "paddle"
            ? await ConnectedWithAsync(new PaddleDriver { Sandbox = true })
            : await ConnectedAsync(provider);
        var issued = (await Host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt64();
        var email = NewEmail();
        await DeliverAsync(driver.Purchase(new Sale(email, Test: true)));
        var license = await WaitForLicenseAsync(apiKey, email);
        Assert.True(license.GetProperty("test").GetBoolean());
        Assert.Equal(issued, (await Host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt64());
        Assert.NotEmpty(accountId);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task Renewals_and_endings_of_test_licenses_count_in_no_metric(bool test, int counted)
    {
        var (_, apiKey, driver) = await ConnectedAsync("gumroad");
        var gumroad = (GumroadDriver)driver;
        var sale = new Sale(NewEmail(), Subscription: true, Test: test);
        await DeliverAsync(gumroad.Purchase(sale));
        var first = (await WaitForLicenseAsync(apiKey, sale.Email)).GetProperty("expiresAt").GetString();
        await DeliverAsync(gumroad.RecurringCharge(sale));
        await WaitForLicenseAsync(apiKey, sale.Email, l => l.GetProperty("expiresAt").GetString() != first);
        await DeliverAsync(gumroad.SubscriptionEnded(sale, DateTimeOffset.UtcNow));
        var ended = await WaitForLicenseAsync(apiKey, sale.Email, l => Status(l) == "expired");
        Assert.Equal(test, ended.GetProperty("test").GetBoolean());
        // The processor writes the license first and its metric right after: wait for the counters to arrive (or, for a
        // test license, read them as they are once the license has ended).
        var deadline = Support.Patience.Deadline;
        JsonElement metrics;
        do
        {
            metrics = (await Host.GetAsync("v1/metrics?productId=my-plugin", apiKey)).Json;
            if (metrics.GetProperty("renewals").GetInt64() >= counted && metrics.GetProperty("expirations").GetInt64() >= counted) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal(counted, metrics.GetProperty("renewals").GetInt64());
        Assert.Equal(counted, metrics.GetProperty("expirations").GetInt64());
    }

    private async Task<(string AccountId, string ApiKey, ProviderDriver Driver)> ConnectedWithAsync(ProviderDriver driver)
    {
        await Smtp4dev.RequireAsync();
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        await ConnectAsync(driver, accountId, apiKey);
        return (accountId, apiKey, driver);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Product_ids_map_to_plans_and_failures_are_listed_and_replayed(string provider)
    {
        var (_, apiKey, driver) = await ConnectedAsync(provider);
        var price = provider switch { "lemonsqueezy" => "424242", "paddle" => "pri_01business", _ => "biz-product==" };
        var sale = new Sale(NewEmail(), Plan: null, PriceId: price);
        await DeliverAsync(driver.Purchase(sale));
        var failure = await WaitForFailureAsync(provider, apiKey, f => f.GetProperty("reason").GetString()!.Contains(price, StringComparison.Ordinal));
        // Another provider's failures are not listed here.
        Assert.DoesNotContain((await Host.GetAsync("v1/integrations/stripe/failures", apiKey)).Json.GetProperty("items").EnumerateArray(),
            f => f.GetProperty("eventId").GetString() == failure.GetProperty("eventId").GetString());

        var field = provider switch { "lemonsqueezy" => "lemonSqueezyVariantIds", "paddle" => "paddlePriceIds", _ => "gumroadProductIds" };
        var product = JsonSerializer.SerializeToNode(TestHost.SampleProduct)!;
        product["plans"]![1]![field] = new System.Text.Json.Nodes.JsonArray(price);
        Assert.Equal(HttpStatusCode.OK, (await Host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        Assert.Equal(price, (await Host.GetAsync("v1/products/my-plugin", apiKey)).Json.GetProperty("plans")[1].GetProperty(field)[0].GetString());

        var eventId = Uri.EscapeDataString(failure.GetProperty("eventId").GetString()!);
        Assert.Equal(HttpStatusCode.Accepted, (await Host.PostAsync($"v1/integrations/{provider}/failures/{eventId}/replay", null, apiKey)).Status);
        Assert.Equal("business", (await WaitForLicenseAsync(apiKey, sale.Email)).GetProperty("plan").GetString());
        Assert.Empty((await Host.GetAsync($"v1/integrations/{provider}/failures", apiKey)).Json.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_event_that_keeps_failing_lands_in_the_poison_queue_with_its_reason(string provider)
    {
        var (_, apiKey, driver) = await ConnectedAsync(provider);
        // The end of a subscription whose purchase never arrives: retried maxDequeueCount times, then poison.
        var end = driver.SubscriptionEnded(new Sale(NewEmail(), Subscription: true), DateTimeOffset.UtcNow);
        await DeliverAsync(end);
        var failure = await WaitForFailureAsync(provider, apiKey, f => f.GetProperty("reason").GetString()!.Contains("no license for subscription",
            StringComparison.Ordinal), Support.Patience.Bound);
        // Five attempts, or more when a test host stopped while it held the message: a hand-back counts as a dequeue, as in Azure.
        Assert.True(failure.GetProperty("attempts").GetInt64() >= 5, failure.ToString());
        var poison = new QueueClient(TestHost.Azurite, "stripe-events-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var eventId = failure.GetProperty("eventId").GetString()!;
        var deadline = DateTime.UtcNow + Patience;
        while (!(await poison.PeekMessagesAsync(32)).Value.Any(m => m.MessageText.Contains(JsonSerializer.Serialize(eventId)[1..^1], StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the message never reached the poison queue");
            await Task.Delay(200);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Settings_are_validated_and_secrets_never_stored_in_plain_text(string provider)
    {
        var (_, apiKey, driver) = await ConnectedAsync(provider);
        var field = provider switch { "lemonsqueezy" => "signingSecret", "paddle" => "webhookSecret", _ => "sellerId" };
        (await Host.PutAsync($"v1/integrations/{provider}", new Dictionary<string, object?> { [field] = "" }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").GetProperty(field);
        var urlSecret = driver.WebhookPath[(driver.WebhookPath.LastIndexOf('/') + 1)..];
        var secrets = provider == "gumroad" ? [LemonSqueezyDriver.Secret, PaddleDriver.Secret, urlSecret] : new[] { LemonSqueezyDriver.Secret,
            PaddleDriver.Secret };
        var service = new TableServiceClient(TestHost.Azurite);
        foreach (var table in service.Query())
            foreach (var entity in service.GetTableClient(table.Name).Query<TableEntity>())
                foreach (var value in ((IDictionary<string, object>)entity).Values.OfType<string>())
                    foreach (var secret in secrets.Where(s => s.Length > 20))
                        Assert.DoesNotContain(secret, value);
        (await Host.PutAsync("v1/integrations/nosuchprovider", new { }, apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.GetAsync("v1/integrations/nosuchprovider/failures", apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
    }
}
