using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Activations;

public sealed class ActivationApiTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<(string ApiKey, string LicenseKey, string LicenseId)> License(string plan = "pro", string[]? domains = null, int? maxActivations = null)
    {
        var key = await Host.CreateAccountWithProductAsync();
        var l = await Host.IssueAsync(key, new { productId = "my-plugin", customerEmail = "c@example.com", plan, domains = domains ?? [], maxActivations });
        return (key, l.GetProperty("licenseKey").GetString()!, l.GetProperty("licenseId").GetString()!);
    }

    private Task<JsonElement> Post(string path, object body) => Host.PostOkAsync(path, body);

    [Fact]
    public async Task Activate_takes_a_slot_once_and_reactivation_is_free()
    {
        var (apiKey, lk, id) = await License();
        var first = await Post("v1/activate", new { key = lk, domain = "https://www.Shop-Site.com/", name = "Main shop" });
        Assert.True(first.GetProperty("activated").GetBoolean());
        Assert.Equal("VALID", first.GetProperty("code").GetString());
        Assert.Equal("shop-site.com", first.GetProperty("activation").GetProperty("domain").GetString());
        Assert.Equal(1, first.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(3, first.GetProperty("maxActivations").GetInt32());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("certificate").GetString()));

        var again = await Post("v1/activate", new { key = lk, domain = "shop-site.com" });
        Assert.True(again.GetProperty("activated").GetBoolean());
        Assert.Equal(1, again.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(first.GetProperty("activation").GetProperty("id").GetString(), again.GetProperty("activation").GetProperty("id").GetString());

        var license = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal("Main shop", license.GetProperty("activations")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task When_every_slot_is_taken_activation_is_refused_until_one_is_freed()
    {
        var (_, lk, _) = await License(maxActivations: 2);
        Assert.True((await Post("v1/activate", new { key = lk, domain = "a.com" })).GetProperty("activated").GetBoolean());
        Assert.True((await Post("v1/activate", new { key = lk, domain = "b.com" })).GetProperty("activated").GetBoolean());
        var full = await Post("v1/activate", new { key = lk, domain = "c.com" });
        Assert.False(full.GetProperty("activated").GetBoolean());
        Assert.Equal("ACTIVATION_LIMIT_REACHED", full.GetProperty("code").GetString());
        Assert.Equal(2, full.GetProperty("activationsUsed").GetInt32());
        Assert.Equal("DOMAIN_MISMATCH", (await Post("v1/validate", new { key = lk, domain = "c.com" })).GetProperty("code").GetString());

        var freed = await Post("v1/deactivate", new { key = lk, domain = "https://a.com/" });
        Assert.True(freed.GetProperty("deactivated").GetBoolean());
        Assert.Equal(1, freed.GetProperty("activationsUsed").GetInt32());
        Assert.True((await Post("v1/activate", new { key = lk, domain = "c.com" })).GetProperty("activated").GetBoolean());
        Assert.Equal("DOMAIN_MISMATCH", (await Post("v1/validate", new { key = lk, domain = "a.com" })).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Validation_from_a_new_domain_auto_activates_a_free_slot()
    {
        var (apiKey, lk, id) = await License(domains: ["first.com"]);
        var v = await Post("v1/validate", new { key = lk, domain = "second.com" });
        Assert.Equal("VALID", v.GetProperty("code").GetString());
        var license = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal(["first.com", "second.com"], license.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task A_plan_without_auto_activation_answers_domain_mismatch_for_new_domains()
    {
        var (_, apiKey) = await Host.CreateAccountAsync();
        await Host.PutAsync("v1/products/p",
            new { name = "P", plans = new[] { new { id = "strict", model = "perpetual", maxActivations = 3, autoActivate = false } } }, apiKey);
        var lk = (await Host.IssueAsync(apiKey,
            new { productId = "p", customerEmail = "c@example.com", plan = "strict", domains = new[] { "a.com" } })).GetProperty("licenseKey").GetString();
        Assert.Equal("DOMAIN_MISMATCH", (await Post("v1/validate", new { key = lk, domain = "b.com" })).GetProperty("code").GetString());
        Assert.True((await Post("v1/activate", new { key = lk, domain = "b.com" })).GetProperty("activated").GetBoolean());
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "b.com" })).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("mysite.local")]
    [InlineData("staging.customer-site.com")]
    [InlineData("customer.wpengine.com")]
    public async Task Development_hosts_never_take_a_slot(string host)
    {
        var (apiKey, lk, id) = await License(plan: "lifetime", domains: ["customer-site.com"]);
        var a = await Post("v1/activate", new { key = lk, domain = host });
        Assert.True(a.GetProperty("activated").GetBoolean());
        Assert.True(a.GetProperty("activation").GetProperty("development").GetBoolean());
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = host })).GetProperty("code").GetString());
        Assert.Equal(1, (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task A_product_can_add_development_patterns_or_turn_the_allowance_off()
    {
        var (_, apiKey) = await Host.CreateAccountAsync();
        await Host.PutAsync("v1/products/p", new
        {
            name = "P",
            plans = new[] { new { id = "one", model = "perpetual", maxActivations = 1 } },
            developmentHosts = new { allowed = true, patterns = new[] { "*.preview.mycdn.net" } }
        }, apiKey);
        var lk = (await Host.IssueAsync(apiKey,
            new { productId = "p", customerEmail = "c@example.com", plan = "one", domains = new[] { "a.com" } })).GetProperty("licenseKey").GetString();
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "pr-12.preview.mycdn.net" })).GetProperty("code").GetString());

        await Host.PutAsync("v1/products/p", new
        {
            name = "P",
            plans = new[] { new { id = "one", model = "perpetual", maxActivations = 1 } },
            developmentHosts = new { allowed = false }
        }, apiKey);
        Assert.Equal("DOMAIN_MISMATCH", (await Post("v1/validate", new { key = lk, domain = "localhost" })).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Wildcard_bindings_cover_subdomains()
    {
        var (_, lk, _) = await License(plan: "lifetime", domains: ["*.agency-client.com"]);
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "blog.agency-client.com" })).GetProperty("code").GetString());
        Assert.Equal("DOMAIN_MISMATCH", (await Post("v1/validate", new { key = lk, domain = "agency-client.com" })).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Fingerprints_are_seats_for_desktop_tools()
    {
        var (_, apiKey) = await Host.CreateAccountAsync();
        await Host.PutAsync("v1/products/desk", new { name = "Desk", plans = new[] { new { id = "team", model = "seat", maxActivations = 2 } } }, apiKey);
        var lk = (await Host.IssueAsync(apiKey,
            new { productId = "desk", customerEmail = "c@example.com", plan = "team" })).GetProperty("licenseKey").GetString();
        Assert.True((await Post("v1/activate", new { key = lk, fingerprint = "machine-A", name = "Ann's laptop" })).GetProperty("activated").GetBoolean());
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, fingerprint = "machine-B" })).GetProperty("code").GetString()); // auto: 2nd seat
        Assert.Equal("FINGERPRINT_MISMATCH", (await Post("v1/validate", new { key = lk, fingerprint = "machine-C" })).GetProperty("code").GetString());
        Assert.Equal("ACTIVATION_LIMIT_REACHED", (await Post("v1/activate", new { key = lk, fingerprint = "machine-C" })).GetProperty("code").GetString());
        Assert.True((await Post("v1/deactivate", new { key = lk, fingerprint = "machine-A" })).GetProperty("deactivated").GetBoolean());
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, fingerprint = "machine-C" })).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Deactivations_are_capped_per_30_days_so_slots_cannot_be_cycled()
    {
        var (_, apiKey) = await Host.CreateAccountAsync();
        await Host.PutAsync("v1/products/p",
            new { name = "P", plans = new[] { new { id = "one", model = "perpetual", maxActivations = 1, maxDeactivationsPer30Days = 2 } } }, apiKey);
        var lk = (await Host.IssueAsync(apiKey, new { productId = "p", customerEmail = "c@example.com", plan = "one" })).GetProperty("licenseKey").GetString();
        foreach (var site in new[] { "a.com", "b.com" })
        {
            Assert.True((await Post("v1/activate", new { key = lk, domain = site })).GetProperty("activated").GetBoolean());
            Assert.True((await Post("v1/deactivate", new { key = lk, domain = site })).GetProperty("deactivated").GetBoolean());
        }
        Assert.True((await Post("v1/activate", new { key = lk, domain = "c.com" })).GetProperty("activated").GetBoolean());
        var capped = await Post("v1/deactivate", new { key = lk, domain = "c.com" });
        Assert.False(capped.GetProperty("deactivated").GetBoolean());
        Assert.Equal("DEACTIVATION_LIMIT_REACHED", capped.GetProperty("code").GetString());
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "c.com" })).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Revoked_suspended_and_unknown_keys_cannot_activate()
    {
        var (apiKey, lk, id) = await License();
        await Host.PostAsync($"v1/licenses/{id}/suspend", null, apiKey);
        Assert.Equal("SUSPENDED", (await Post("v1/activate", new { key = lk, domain = "a.com" })).GetProperty("code").GetString());
        await Host.PostAsync($"v1/licenses/{id}/revoke", null, apiKey);
        var revoked = await Post("v1/activate", new { key = lk, domain = "a.com" });
        Assert.False(revoked.GetProperty("activated").GetBoolean());
        Assert.Equal("REVOKED", revoked.GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", (await Post("v1/activate", new { key = "LK1.nope", domain = "a.com" })).GetProperty("code").GetString());
        Assert.Equal("NOT_ACTIVATED", (await Post("v1/deactivate", new { key = lk, domain = "never.com" })).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{\"key\":\"k\"}", "domain")]
    [InlineData("{\"key\":\"k\",\"domain\":\"a.com\",\"fingerprint\":\"m\"}", "domain")]
    [InlineData("{\"domain\":\"a.com\"}", "key")]
    [InlineData("{\"key\":\"k\",\"domain\":\"*.com\"}", "domain")]
    [InlineData("{\"key\":\"k\",\"fingerprint\":\"\"}", "fingerprint")]
    public async Task Malformed_activation_requests_are_400(string body, string field)
    {
        foreach (var path in new[] { "v1/activate", "v1/deactivate" })
        {
            var json = (await Host.SendAsync(HttpMethod.Post, path, rawBody: body)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
        }
    }
}
