using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Licensing.Tests.Support;

namespace Licensing.Tests.Billing;

/// <summary>
/// <c>POST /v1/integrations/{lemonsqueezy|paddle|gumroad}/simulate</c>: a founder connects the provider as the docs say,
/// maps the plan to the provider's item id, and a simulated purchase goes through that provider's own verification,
/// the inbox, the queue and the processor: a license marked test, its key e-mailed (smtp4dev) and valid. The stored raw
/// event is one the provider's webhook route takes as the very same event. Bad input, a plan without the provider's id,
/// a missing connection or scope issue nothing.
/// </summary>
public sealed class ProviderPurchaseSimulationTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    public static TheoryData<string> Providers => new() { "lemonsqueezy", "paddle", "gumroad" };

    private static string NewEmail() => $"simulated-{Guid.NewGuid():N}@provider-simulation-tests.example";

    /// <summary>The plan's item id at each provider, and the plan field that lists it.</summary>
    private static (string Field, string Id) Item(string provider) => provider switch
    {
        "lemonsqueezy" => ("lemonSqueezyVariantIds", "7001"),
        "paddle" => ("paddlePriceIds", "pri_01simulatedpro"),
        _ => ("gumroadProductIds", "sImUlAtEdPrOdUcT-pro=="),
    };

    private static ProviderDriver Driver(string provider) => provider == "paddle" ? new PaddleDriver { Sandbox = true } : ProviderDriver.For(provider);

    private async Task<(string AccountId, string ApiKey)> AccountAsync(string provider, bool mapped)
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        if (mapped)
        {
            var product = JsonSerializer.SerializeToNode(TestHost.SampleProduct)!;
            var (field, id) = Item(provider);
            product["plans"]![0]![field] = new JsonArray(id);
            Assert.Equal(HttpStatusCode.OK, (await Host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        }
        return (accountId, apiKey);
    }

    private async Task ConnectAsync(ProviderDriver driver, string apiKey)
    {
        var r = await Host.PutAsync($"v1/integrations/{driver.Name}", driver.Settings, apiKey);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        driver.WebhookPath = r.Json.GetProperty("webhookUrl").GetString()![Host.BaseAddress.ToString().Length..];
    }

    private static List<TableEntity> Inbox(string accountId) =>
        new TableClient(TestHost.Azurite, "stripeevents").Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")).ToList();

    /// <summary>The raw body delivered again to the provider's webhook route, authenticated as the provider does (the founder's secret or URL).</summary>
    private async Task<ApiResponse> RedeliverAsync(ProviderDriver driver, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, driver.WebhookPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(driver.Name == "gumroad" ? "application/x-www-form-urlencoded" : "application/json");
        if (driver.Name == "lemonsqueezy") request.Headers.Add("X-Signature", LemonSqueezyDriver.Sign(body));
        if (driver.Name == "paddle") request.Headers.Add("Paddle-Signature", PaddleDriver.Header(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        using var response = await Host.Http.SendAsync(request);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers,
            response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_simulated_purchase_issues_a_test_license_emails_a_key_that_validates_and_stores_what_the_webhook_would(string provider)
    {
        await Smtp4dev.RequireAsync();
        var (accountId, apiKey) = await AccountAsync(provider, mapped: true);
        var driver = Driver(provider);
        await ConnectAsync(driver, apiKey);
        var email = NewEmail();

        var r = await Host.PostAsync($"v1/integrations/{provider}/simulate",
            new { productId = "my-plugin", plan = "pro", customerEmail = email, domain = "shop.simulated.example" }, apiKey);
        Assert.True(r.Status == HttpStatusCode.Accepted, r.Text);
        var eventId = r.Json.GetProperty("eventId").GetString()!;
        Assert.Equal(provider, r.Json.GetProperty("provider").GetString());
        Assert.Equal(provider switch { "lemonsqueezy" => "order_created", "paddle" => "transaction.completed", _ => "sale" },
            r.Json.GetProperty("type").GetString());

        var messages = await Smtp4dev.WaitForAsync(email, 1, Patience.Bound);
        var license = await CustomerLicenses.WaitAsync(Host, apiKey, email);
        Assert.True(license.GetProperty("test").GetBoolean());
        Assert.Equal(("my-plugin", "pro", "active"), (license.GetProperty("productId").GetString(), license.GetProperty("plan").GetString(),
            license.GetProperty("status").GetString()));
        var eventField = provider switch { "lemonsqueezy" => "lemonSqueezyEvent", "paddle" => "paddleEvent", _ => "gumroadEvent" };
        Assert.Equal(eventId, license.GetProperty("metadata").GetProperty(eventField).GetString());
        var key = license.GetProperty("licenseKey").GetString()!;
        Assert.Contains(key, await Smtp4dev.PlainTextAsync(Assert.Single(messages).Id));
        Assert.Equal("VALID", (await Host.PostAsync("v1/validate", new { key, domain = "shop.simulated.example" })).Json.GetProperty("code").GetString());

        // The stored event carries the plan's item id (mapped as a real purchase is), and the provider's own webhook route,
        // given its raw body authenticated with the founder's secret, takes it as the same event: nothing new stored or issued.
        var inbox = Inbox(accountId);
        var row = Assert.Single(inbox, e => e.GetString("EventId") == eventId);
        var raw = row.GetBinary("Body");
        Assert.Contains(Item(provider).Id, System.Text.Encoding.UTF8.GetString(raw).Replace("%3D", "=", StringComparison.Ordinal), StringComparison.Ordinal);
        var again = await RedeliverAsync(driver, raw);
        Assert.True(again.Status == HttpStatusCode.OK && again.Json.GetProperty("handled").GetBoolean(), again.Text);
        Assert.Equal(inbox.Count, Inbox(accountId).Count);
        Assert.Single(await CustomerLicenses.ListAsync(Host, apiKey, email));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bad_input_a_plan_without_the_providers_id_a_missing_connection_or_scope_are_refused_and_issue_nothing(string provider)
    {
        var (accountId, apiKey) = await AccountAsync(provider, mapped: true);
        var email = NewEmail();
        var path = $"v1/integrations/{provider}/simulate";

        // Not connected yet: nothing to authenticate the event with.
        (await Host.PostAsync(path, new { productId = "my-plugin", plan = "pro", customerEmail = email }, apiKey))
            .AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        await ConnectAsync(Driver(provider), apiKey);

        var bad = (await Host.PostAsync(path, new { productId = "My Plugin", plan = "pro", customerEmail = "not-an-address" }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(["customerEmail", "productId"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var unknown = (await Host.PostAsync(path, new { productId = "my-plugin", plan = "gold", customerEmail = email }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(["plan"], unknown.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        // "business" has no id at this provider: a real purchase could not reach it, so neither does a simulated one.
        var unmapped = (await Host.PostAsync(path, new { productId = "my-plugin", plan = "business", customerEmail = email }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var detail = Assert.Single(unmapped.GetProperty("errors").GetProperty("plan").EnumerateArray()).GetString()!;
        Assert.StartsWith("plan business has no ", detail, StringComparison.Ordinal);
        Assert.Contains($"set it on the plan first ({Item(provider).Field})", detail, StringComparison.Ordinal);

        var readOnly = await Host.PostAsync("v1/api-keys", new { name = "reader", scopes = new[] { "licenses:read" } }, apiKey);
        Assert.Equal(HttpStatusCode.Created, readOnly.Status);
        (await Host.PostAsync(path, new { productId = "my-plugin", plan = "pro", customerEmail = email }, readOnly.Json.GetProperty("apiKey").GetString()))
            .AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");

        Assert.Empty(await CustomerLicenses.ListAsync(Host, apiKey, email));
        Assert.Empty(Inbox(accountId));
    }

    [Fact]
    public async Task A_live_Paddle_connection_cannot_simulate_because_Paddle_marks_tests_only_by_its_sandbox()
    {
        var (accountId, apiKey) = await AccountAsync("paddle", mapped: true);
        await ConnectAsync(new PaddleDriver { Sandbox = false }, apiKey);
        var email = NewEmail();
        var p = (await Host.PostAsync("v1/integrations/paddle/simulate", new { productId = "my-plugin", plan = "pro", customerEmail = email }, apiKey))
            .AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Contains("sandbox: true", p.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(Inbox(accountId));
        Assert.Empty(await CustomerLicenses.ListAsync(Host, apiKey, email));
    }

    [Fact]
    public async Task AppSumo_and_unknown_providers_answer_404_saying_why()
    {
        var (_, apiKey) = await AccountAsync("lemonsqueezy", mapped: false);
        var body = new { productId = "my-plugin", plan = "pro", customerEmail = NewEmail() };
        var appsumo = (await Host.PostAsync("v1/integrations/appsumo/simulate", body, apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Contains("AppSumo sends no buyer e-mail", appsumo.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var other = (await Host.PostAsync("v1/integrations/shopify/simulate", body, apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Contains("stripe, lemonsqueezy, paddle and gumroad", other.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
