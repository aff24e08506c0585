using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Billing.AppSumo;
using Licensing.Tests.Support;

namespace Licensing.Tests.Billing.AppSumo;

/// <summary>A local host whose AppSumo base URL is a <see cref="FakeAppSumo"/>.</summary>
public sealed class AppSumoHost : IAsyncLifetime
{
    public FakeAppSumo AppSumo { get; private set; } = null!;
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        AppSumo = await FakeAppSumo.StartAsync();
        Host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Licensing:AppSumoBaseUrl"] = AppSumo.Uri.ToString() });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await AppSumo.DisposeAsync();
    }
}

/// <summary>AppSumo Licensing end to end over HTTP: signed webhooks → inbox → queue → license with the AppSumo key, and the OAuth redirect.</summary>
public sealed class AppSumoPipelineTests(AppSumoHost fixture) : IClassFixture<AppSumoHost>
{
    private const string ApiKey = "appsumo-api-key-0123456789";
    private static readonly TimeSpan Patience = Support.Patience.Bound;
    private TestHost Host => fixture.Host;

    private static readonly object Product = new
    {
        name = "Acme <Tools> & Co",
        plans = new object[]
        {
            new { id = "tier-1", name = "Tier 1", model = "lifetime", maxActivations = 1, features = new[] { "core" }, appsumoTiers = new[] { 1 } },
            new { id = "tier-2", name = "Tier 2", model = "lifetime", maxActivations = 3, features = new[] { "core", "export" }, appsumoTiers = new[] { 2 } },
        },
    };

    private async Task<(string AccountId, string ApiKey)> ConnectAsync()
    {
        var (accountId, apiKey) = await Host.CreateAccountAsync();
        Assert.Equal(HttpStatusCode.Created, (await Host.PutAsync("v1/products/ltd", Product, apiKey)).Status);
        var r = await Host.PutAsync("v1/integrations/appsumo", new
        {
            apiKey = ApiKey,
            productId = "ltd",
            clientId = FakeAppSumo.ClientId,
            clientSecret = FakeAppSumo.ClientSecret,
        }, apiKey);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        Assert.Equal(new Uri(Host.BaseAddress, $"v1/webhooks/appsumo/{accountId}").ToString(), r.Json.GetProperty("webhookUrl").GetString());
        return (accountId, apiKey);
    }

    private static string Event(string evt, string key, long at, int tier = 1, string? prev = null, bool test = false) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["license_key"] = key,
            ["prev_license_key"] = prev,
            ["event"] = evt,
            ["license_status"] = "active",
            ["event_timestamp"] = at,
            ["tier"] = tier,
            ["test"] = test,
            ["extra"] = new { reason = "Purchased by the customer" },
        });

    private async Task<ApiResponse> DeliverAsync(string accountId, string body, string? timestamp = null, string? signature = null)
    {
        timestamp ??= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/webhooks/appsumo/{accountId}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Appsumo-Timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("X-Appsumo-Signature", signature ?? AppSumoSignature.Compute(ApiKey, timestamp, Encoding.UTF8.GetBytes(body)));
        using var response = await Host.Http.SendAsync(request);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers,
            response.Content.Headers.ContentType?.MediaType);
    }

    private static void AssertSuccess(ApiResponse r, string evt)
    {
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        Assert.True(r.Json.GetProperty("success").GetBoolean());
        Assert.Equal(evt, r.Json.GetProperty("event").GetString());
    }

    private async Task<JsonElement> WaitForVerdictAsync(string key, string code, object? extra = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var v = await Host.PostOkAsync("v1/validate", extra ?? new { key });
            if (v.GetProperty("code").GetString() == code) return v;
            Assert.True(DateTime.UtcNow < deadline, $"expected {code} for the key, still {v}");
            await Task.Delay(200);
        }
    }

    private static int InboxRows(string accountId) =>
        new TableClient(TestHost.Azurite, "stripeevents").Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")).Count();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task A_purchase_delivered_six_times_three_at_once_makes_one_license_that_answers_to_the_appsumo_key()
    {
        var (accountId, apiKey) = await ConnectAsync();
        var key = Guid.NewGuid().ToString();
        var body = Event("purchase", key, Now);
        for (var i = 0; i < 3; i++) AssertSuccess(await DeliverAsync(accountId, body), "purchase");
        foreach (var r in await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => DeliverAsync(accountId, body)))) AssertSuccess(r, "purchase");

        var valid = await WaitForVerdictAsync(key, "VALID");
        Assert.Equal("tier-1", valid.GetProperty("license").GetProperty("plan").GetString());
        Assert.Equal("ltd", valid.GetProperty("license").GetProperty("productId").GetString());
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(1, InboxRows(accountId));
        var license = (await Host.GetAsync($"v1/licenses/{valid.GetProperty("license").GetProperty("id").GetString()}", apiKey)).Json;
        Assert.Equal("", license.GetProperty("customerEmail").GetString());
        var activated = await Host.PostOkAsync("v1/activate", new { key, domain = "buyer-site.com" });
        Assert.True(activated.GetProperty("activated").GetBoolean(), activated.ToString());
    }

    [Fact]
    public async Task Connecting_refuses_bad_settings_naming_each_field_and_bad_tiers_are_refused_on_the_plan()
    {
        var (accountId, apiKey) = await Host.CreateAccountAsync();
        var bad = await Host.PutAsync("v1/integrations/appsumo", new { apiKey = "short", productId = "Not A Slug", redirectUrl = "ftp://x" }, apiKey);
        var errors = bad.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors");
        foreach (var field in new[] { "apiKey", "productId", "redirectUrl" }) Assert.True(errors.TryGetProperty(field, out _), bad.Text);
        var unknown = await Host.PutAsync("v1/integrations/appsumo", new { apiKey = ApiKey, productId = "nope" }, apiKey);
        Assert.True(unknown.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").TryGetProperty("productId", out _));
        (await Host.PostAsync($"v1/webhooks/appsumo/{accountId}", new { })).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        var tiers = await Host.PutAsync("v1/products/ltd", new
        {
            name = "x",
            plans = new[] { new { id = "p", name = "P", model = "lifetime", maxActivations = 1, features = new[] { "core" }, appsumoTiers = new[] { 0 } } },
        }, apiKey);
        Assert.True(tiers.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").TryGetProperty("plans[0].appsumoTiers", out _),
            tiers.Text);
        var product = await Host.PutAsync("v1/products/ltd", Product, apiKey);
        Assert.Equal([2], product.Json.GetProperty("plans")[1].GetProperty("appsumoTiers").EnumerateArray().Select(t => t.GetInt32()));
    }

    [Fact]
    public async Task A_bad_signature_or_a_stale_timestamp_is_400_and_stores_nothing()
    {
        var (accountId, _) = await ConnectAsync();
        var key = Guid.NewGuid().ToString();
        var body = Event("purchase", key, Now);
        (await DeliverAsync(accountId, body, signature: AppSumoSignature.Compute("another-key", Now.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Encoding.UTF8.GetBytes(body)))).AssertProblem(HttpStatusCode.BadRequest, "INVALID_SIGNATURE");
        var stale = (Now - 301_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await DeliverAsync(accountId, body, stale)).AssertProblem(HttpStatusCode.BadRequest, "INVALID_SIGNATURE");
        (await DeliverAsync(accountId, body, signature: "")).AssertProblem(HttpStatusCode.BadRequest, "INVALID_SIGNATURE");
        Assert.Equal(0, InboxRows(accountId));
        Assert.Equal(0, TestHost.StoredLicenseCount(accountId));
        Assert.Equal("NOT_FOUND", (await Host.PostOkAsync("v1/validate", new { key })).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_portal_test_webhook_answers_success_and_provisions_nothing()
    {
        var (accountId, _) = await ConnectAsync();
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        AssertSuccess(await DeliverAsync(accountId, Event("purchase", "00000000-aaaa-1111-bbbb-abcdef012345", Now, test: true), seconds), "purchase");
        Assert.Equal(0, InboxRows(accountId));
        Assert.Equal(0, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task Upgrade_and_downgrade_keep_the_license_move_it_to_the_new_key_and_tier_and_the_previous_key_is_not_found()
    {
        var (accountId, _) = await ConnectAsync();
        var (first, second, third) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var t = Now;
        AssertSuccess(await DeliverAsync(accountId, Event("purchase", first, t)), "purchase");
        var bought = await WaitForVerdictAsync(first, "FEATURE_NOT_ENTITLED", new { key = first, features = new[] { "export" } });
        Assert.Contains("upgrading", bought.GetProperty("detail").GetString());
        var licenseId = bought.GetProperty("license").GetProperty("id").GetString();

        AssertSuccess(await DeliverAsync(accountId, Event("upgrade", second, t + 1000, tier: 2, prev: first)), "upgrade");
        var upgraded = await WaitForVerdictAsync(second, "VALID", new { key = second, features = new[] { "export" } });
        Assert.Equal(licenseId, upgraded.GetProperty("license").GetProperty("id").GetString());
        Assert.Equal(3, upgraded.GetProperty("license").GetProperty("maxActivations").GetInt32());
        Assert.Equal("NOT_FOUND", (await Host.PostOkAsync("v1/validate", new { key = first })).GetProperty("code").GetString());

        AssertSuccess(await DeliverAsync(accountId, Event("downgrade", third, t + 2000, tier: 1, prev: second)), "downgrade");
        var downgraded = await WaitForVerdictAsync(third, "VALID");
        Assert.Equal("tier-1", downgraded.GetProperty("license").GetProperty("plan").GetString());
        Assert.Equal(licenseId, downgraded.GetProperty("license").GetProperty("id").GetString());
        Assert.Equal("NOT_FOUND", (await Host.PostOkAsync("v1/validate", new { key = second })).GetProperty("code").GetString());

        // A late activation of the first key (older than the moves) does not bring it back.
        AssertSuccess(await DeliverAsync(accountId, Event("activate", first, t + 500)), "activate");
        AssertSuccess(await DeliverAsync(accountId, Event("migrate", third, t + 3000, tier: 1)), "migrate");
        await WaitForProcessedAsync(accountId, 5);
        Assert.Equal("NOT_FOUND", (await Host.PostOkAsync("v1/validate", new { key = first })).GetProperty("code").GetString());
        Assert.Equal("VALID", (await Host.PostOkAsync("v1/validate", new { key = third })).GetProperty("code").GetString());
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task A_deactivation_revokes_even_when_it_arrives_before_the_purchase()
    {
        var (accountId, _) = await ConnectAsync();
        var key = Guid.NewGuid().ToString();
        var t = Now;
        AssertSuccess(await DeliverAsync(accountId, Event("deactivate", key, t + 1000)), "deactivate");
        AssertSuccess(await DeliverAsync(accountId, Event("purchase", key, t)), "purchase");
        await WaitForVerdictAsync(key, "REVOKED");
        await WaitForProcessedAsync(accountId, 2);
        Assert.Equal("REVOKED", (await Host.PostOkAsync("v1/validate", new { key })).GetProperty("code").GetString());
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task The_oauth_redirect_shows_the_license_escaped_takes_the_customers_email_and_mails_the_appsumo_key()
    {
        await Smtp4dev.RequireAsync();
        var (accountId, apiKey) = await ConnectAsync();
        var ready = await Host.GetAsync($"v1/appsumo/{accountId}/oauth");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("text/html", ready.MediaType);

        var key = Guid.NewGuid().ToString();
        AssertSuccess(await DeliverAsync(accountId, Event("purchase", key, Now)), "purchase");
        var licenseId = (await WaitForVerdictAsync(key, "VALID")).GetProperty("license").GetProperty("id").GetString();
        var email = $"sumo-{Guid.NewGuid():N}@example.com";
        fixture.AppSumo.RedirectUri = new Uri(Host.BaseAddress, $"v1/appsumo/{accountId}/oauth").ToString();
        var code = fixture.AppSumo.IssueCode(key, email);

        var page = await Host.GetAsync($"v1/appsumo/{accountId}/oauth?code={code}");
        Assert.True(page.Status == HttpStatusCode.OK, page.Text + string.Join("; ", fixture.AppSumo.Rejections));
        Assert.Equal("text/html", page.MediaType);
        Assert.Contains(key, page.Text);
        Assert.Contains("Acme &lt;Tools&gt; &amp; Co", page.Text);
        Assert.DoesNotContain("<Tools>", page.Text);
        Assert.Equal(email, (await Host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json.GetProperty("customerEmail").GetString());
        var mail = Assert.Single(await Smtp4dev.WaitForAsync(email, 1, Patience));
        Assert.Contains(key, await Smtp4dev.PlainTextAsync(mail.Id));

        // A code works once, as at AppSumo.
        (await Host.GetAsync($"v1/appsumo/{accountId}/oauth?code={code}")).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.DoesNotContain(fixture.AppSumo.Rejections, r => r != "unknown or used code");
    }

    private static async Task WaitForProcessedAsync(string accountId, int count)
    {
        var table = new TableClient(TestHost.Azurite, "stripeevents");
        var deadline = DateTime.UtcNow + Patience;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId}");
        while (table.Query<TableEntity>(filter).Count(e => e.GetDateTimeOffset("ProcessedAt") is not null) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} AppSumo events processed in {Patience}");
            await Task.Delay(200);
        }
    }
}
