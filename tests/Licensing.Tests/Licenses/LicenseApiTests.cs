using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Licenses;

public sealed class LicenseApiTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    [Fact]
    public async Task Issue_returns_the_contract_fields_with_plan_defaults()
    {
        var key = await Host.CreateAccountWithProductAsync();
        var before = DateTimeOffset.UtcNow;
        var l = await Host.IssueAsync(key, new
        {
            productId = "my-plugin",
            customerEmail = "customer@example.com",
            domains = new[] { "https://www.Customer-Site.com/" },
            plan = "pro",
            expiresAt = (string?)null,
            maxActivations = (int?)null,
            metadata = new { orderId = "A-1" },
        });
        foreach (var field in new[] { "licenseId", "licenseKey", "productId", "plan", "status", "customerEmail", "features", "domains", "maxActivations",
            "expiresAt", "createdAt", "metadata" })
            Assert.True(l.TryGetProperty(field, out _), field);
        Assert.Equal("active", l.GetProperty("status").GetString());
        Assert.Equal(["analytics", "export"], l.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["customer-site.com"], l.GetProperty("domains").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(3, l.GetProperty("maxActivations").GetInt32());
        Assert.Equal("A-1", l.GetProperty("metadata").GetProperty("orderId").GetString());
        var expires = DateTimeOffset.Parse(l.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, before.AddDays(365).AddSeconds(-5), DateTimeOffset.UtcNow.AddDays(365).AddSeconds(5));
        Assert.EndsWith("Z", l.GetProperty("createdAt").GetString());
        Assert.True(l.GetProperty("licenseKey").GetString()!.Length <= 128);
    }

    [Fact]
    public async Task Given_features_are_exactly_those_and_lifetime_has_no_expiry()
    {
        var key = await Host.CreateAccountWithProductAsync();
        var l = await Host.IssueAsync(key,
            new { productId = "my-plugin", customerEmail = "c@example.com", plan = "lifetime", features = new[] { "custom-branding" } });
        Assert.Equal(["custom-branding"], l.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(JsonValueKind.Null, l.GetProperty("expiresAt").ValueKind);
        Assert.Equal(1, l.GetProperty("maxActivations").GetInt32());
    }

    [Fact]
    public async Task Get_returns_the_license_with_its_key_and_activations()
    {
        var key = await Host.CreateAccountWithProductAsync();
        var issued = await Host.IssueAsync(key);
        var got = await Host.GetAsync($"v1/licenses/{issued.GetProperty("licenseId").GetString()}", key);
        Assert.Equal(HttpStatusCode.OK, got.Status);
        Assert.Equal(issued.GetProperty("licenseKey").GetString(), got.Json.GetProperty("licenseKey").GetString());
        Assert.Equal("customer-site.com", got.Json.GetProperty("activations")[0].GetProperty("domain").GetString());
    }

    [Theory]
    [InlineData("{\"productId\":\"nope\",\"customerEmail\":\"c@example.com\",\"plan\":\"pro\"}", "productId")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"gold\"}", "plan")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"not-an-email\",\"plan\":\"pro\"}", "customerEmail")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"pro\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "expiresAt")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"pro\",\"expiresAt\":\"next week\"}", "expiresAt")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"pro\",\"domains\":\"a.com\"}", "domains")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"pro\",\"domains\":[\"not a domain\"]}", "domains[0]")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"pro\",\"maxActivations\":\"3\"}", "maxActivations")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"lifetime\",\"domains\":[\"a.com\",\"b.com\"]}", "domains")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"pro\",\"metadata\":{\"n\":5}}", "metadata.n")]
    [InlineData("{\"productId\":\"my-plugin\",\"customerEmail\":\"c@example.com\",\"plan\":\"pro\",\"features\":[\"bad feature\"]}", "features[0]")]
    public async Task Bad_issue_input_is_a_validation_problem_and_writes_nothing(string body, string field)
    {
        var (accountId, key) = await Host.CreateAccountWithProductAndIdAsync();
        var json = (await Host.SendAsync(HttpMethod.Post, "v1/licenses", bearer: key, rawBody: body))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
        Assert.Equal(0, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task Missing_key_and_malformed_json_write_nothing()
    {
        var (accountId, key) = await Host.CreateAccountWithProductAndIdAsync();
        var body = new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" };
        (await Host.PostAsync("v1/licenses", body)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await Host.PostAsync("v1/licenses", body, "lsk_wrong")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await Host.SendAsync(HttpMethod.Post, "v1/licenses", bearer: key, rawBody: "{\"productId\":"))
            .AssertProblem(HttpStatusCode.BadRequest, "INVALID_JSON");
        Assert.Equal(0, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task Another_accounts_license_is_not_found_for_every_verb()
    {
        var owner = await Host.CreateAccountWithProductAsync();
        var (_, other) = await Host.CreateAccountAsync();
        var id = (await Host.IssueAsync(owner)).GetProperty("licenseId").GetString();
        (await Host.GetAsync($"v1/licenses/{id}", other)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        foreach (var verb in new[] { "suspend", "reinstate", "revoke" })
            (await Host.PostAsync($"v1/licenses/{id}/{verb}", null, other)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.PostAsync($"v1/licenses/{id}/renew", new { expiresAt = "2099-01-01T00:00:00Z" }, other))
            .AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        var still = await Host.GetAsync($"v1/licenses/{id}", owner);
        Assert.Equal("active", still.Json.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("lic_nothex")]
    [InlineData("../../etc")]
    [InlineData("lic_000000000000000000000000")]
    public async Task Bad_or_unknown_ids_are_not_found(string id)
    {
        var key = await Host.CreateAccountWithProductAsync();
        (await Host.GetAsync($"v1/licenses/{Uri.EscapeDataString(id)}", key)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task State_verbs_over_http()
    {
        var key = await Host.CreateAccountWithProductAsync();
        var id = (await Host.IssueAsync(key)).GetProperty("licenseId").GetString();
        Assert.Equal("suspended", (await Host.PostAsync($"v1/licenses/{id}/suspend", null, key)).Json.GetProperty("status").GetString());
        Assert.Equal("active", (await Host.PostAsync($"v1/licenses/{id}/reinstate", null, key)).Json.GetProperty("status").GetString());
        var renewed = await Host.PostAsync($"v1/licenses/{id}/renew", new { expiresAt = "2099-01-31T00:00:00Z" }, key);
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        Assert.Equal("2099-01-31T00:00:00Z", renewed.Json.GetProperty("expiresAt").GetString());
        (await Host.PostAsync($"v1/licenses/{id}/renew", new { expiresAt = "2001-01-01T00:00:00Z" }, key))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.PostAsync($"v1/licenses/{id}/renew", new { }, key)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("revoked", (await Host.PostAsync($"v1/licenses/{id}/revoke", null, key)).Json.GetProperty("status").GetString());
        (await Host.PostAsync($"v1/licenses/{id}/reinstate", null, key)).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        (await Host.PostAsync($"v1/licenses/{id}/suspend", null, key)).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        (await Host.PostAsync($"v1/licenses/{id}/renew", new { expiresAt = "2099-01-31T00:00:00Z" }, key)).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task List_pages_with_continuation_and_filters()
    {
        var key = await Host.CreateAccountWithProductAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((await Host.IssueAsync(key,
                new
                {
                    productId = "my-plugin",
                    customerEmail = i < 2 ? "Alice@Example.com" : "bob@example.com",
                    plan = i == 3 ? "business" : "pro"
                })).GetProperty("licenseId").GetString()!);
        await Host.PostAsync($"v1/licenses/{ids[4]}/suspend", null, key);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var r = await Host.GetAsync("v1/licenses?limit=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), key);
            Assert.Equal(HttpStatusCode.OK, r.Status);
            seen.AddRange(r.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("licenseId").GetString()!));
            token = r.Json.GetProperty("continuationToken").GetString();
            pages++;
        } while (token is not null && pages < 10);
        Assert.Equal(ids.Order(), seen.Order());
        Assert.True(pages >= 3);

        async Task<int> Count(string query) => (await Host.GetAsync("v1/licenses?" + query, key)).Json.GetProperty("items").GetArrayLength();
        Assert.Equal(2, await Count("customerEmail=alice%40example.com"));
        Assert.Equal(1, await Count("status=suspended"));
        Assert.Equal(4, await Count("status=active"));
        Assert.Equal(5, await Count("productId=my-plugin"));
        Assert.Equal(0, await Count("productId=other"));
        Assert.Equal(4, await Count("plan=pro"));
        var business = (await Host.GetAsync("v1/licenses?plan=business", key)).Json.GetProperty("items");
        Assert.Equal([ids[3]], business.EnumerateArray().Select(i => i.GetProperty("licenseId").GetString()));
        Assert.Equal(1, await Count("plan=pro&status=suspended&customerEmail=bob%40example.com"));
        Assert.Equal(0, await Count("plan=enterprise"));
        Assert.Contains("plan", (await Host.GetAsync("v1/licenses?plan=Not%20A%20Plan", key))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").EnumerateObject().Select(e => e.Name));
        (await Host.GetAsync("v1/licenses?status=weird", key)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.GetAsync("v1/licenses?limit=1000", key)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.GetAsync("v1/licenses?continuationToken=%%%", key)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task A_continuation_token_that_was_altered_or_moved_to_other_filters_or_another_account_is_400()
    {
        var (_, key) = await Host.CreateAccountWithProductAndIdAsync();
        var (_, other) = await Host.CreateAccountWithProductAndIdAsync();
        for (var i = 0; i < 3; i++) await Host.IssueAsync(key, new { productId = "my-plugin", customerEmail = "alice@example.com", plan = "pro" });
        var token = (await Host.GetAsync("v1/licenses?limit=1&customerEmail=alice%40example.com", key)).Json.GetProperty("continuationToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK,
            (await Host.GetAsync($"v1/licenses?limit=1&customerEmail=alice%40example.com&continuationToken={Uri.EscapeDataString(token)}", key)).Status);

        var dot = token.IndexOf('.');
        var altered = new[]
        {
            (token[0] == 'A' ? "B" : "A") + token[1..],
            token[..(dot - 1)] + (token[dot - 1] == 'A' ? "B" : "A") + token[dot..],
            token[..^1] + (token[^1] == 'A' ? "B" : "A"),
            token[..dot],
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("1!8!bGljXzA-")).TrimEnd('='),
        };
        foreach (var t in altered)
        {
            var r = await Host.GetAsync($"v1/licenses?limit=1&customerEmail=alice%40example.com&continuationToken={Uri.EscapeDataString(t)}", key);
            Assert.Contains("continuationToken",
                r.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }
        (await Host.GetAsync($"v1/licenses?limit=1&continuationToken={Uri.EscapeDataString(token)}", key))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.GetAsync($"v1/licenses?limit=1&customerEmail=alice%40example.com&status=active&continuationToken={Uri.EscapeDataString(token)}", key))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.GetAsync($"v1/licenses?limit=1&customerEmail=alice%40example.com&continuationToken={Uri.EscapeDataString(token)}", other))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Another_accounts_licenses_never_appear_in_a_list()
    {
        var owner = await Host.CreateAccountWithProductAsync();
        await Host.IssueAsync(owner);
        var (_, other) = await Host.CreateAccountAsync();
        Assert.Equal(0, (await Host.GetAsync("v1/licenses", other)).Json.GetProperty("items").GetArrayLength());
    }
}
