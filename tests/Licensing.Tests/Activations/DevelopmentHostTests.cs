using System.Net;
using System.Text.Json;
using Licensing.Domain.Activity;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Activations;

/// <summary>Development and staging hosts take no slot, but a license gets only so many of them (docs/activations.md).</summary>
public sealed class DevelopmentHostTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<(string ApiKey, string LicenseKey, string LicenseId)> License(int? maxDevelopmentHosts, int maxActivations = 1,
        bool autoSuspendOnSharing = false)
    {
        var (_, apiKey) = await Host.CreateAccountAsync();
        var plan = new Dictionary<string, object?>
        {
            ["id"] = "one",
            ["model"] = "perpetual",
            ["maxActivations"] = maxActivations,
            ["autoSuspendOnSharing"] = autoSuspendOnSharing
        };
        if (maxDevelopmentHosts is not null) plan["maxDevelopmentHosts"] = maxDevelopmentHosts;
        var put = await Host.PutAsync("v1/products/p", new { name = "P", plans = new[] { plan } }, apiKey);
        Assert.True(put.Status == HttpStatusCode.Created, put.Text);
        var l = await Host.IssueAsync(apiKey, new { productId = "p", customerEmail = "c@example.com", plan = "one", domains = new[] { "customer-site.com" } });
        return (apiKey, l.GetProperty("licenseKey").GetString()!, l.GetProperty("licenseId").GetString()!);
    }

    private Task<JsonElement> Post(string path, object body) => Host.PostOkAsync(path, body);

    [Fact]
    public async Task Development_hosts_are_free_but_capped_per_license_per_30_days()
    {
        var (apiKey, lk, id) = await License(maxDevelopmentHosts: 2);
        var first = await Post("v1/activate", new { key = lk, domain = "localhost" });
        Assert.True(first.GetProperty("activated").GetBoolean());
        Assert.True(first.GetProperty("activation").GetProperty("development").GetBoolean());
        Assert.Equal(1, first.GetProperty("activationsUsed").GetInt32());
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "staging.customer-site.com" })).GetProperty("code").GetString());

        // The allowance is used up: a third development host is refused on activate and on validate, saying why.
        var refused = await Post("v1/activate", new { key = lk, domain = "dev.shop.customer-site.com" });
        Assert.False(refused.GetProperty("activated").GetBoolean());
        Assert.Equal("ACTIVATION_LIMIT_REACHED", refused.GetProperty("code").GetString());
        Assert.Contains("development hosts per 30 days", refused.GetProperty("detail").GetString());
        var mismatch = await Post("v1/validate", new { key = lk, domain = "mysite.local" });
        Assert.Equal("DOMAIN_MISMATCH", mismatch.GetProperty("code").GetString());
        Assert.Contains("development hosts per 30 days", mismatch.GetProperty("detail").GetString());

        // Those already in use keep working, and the paid site was never touched.
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "localhost" })).GetProperty("code").GetString());
        Assert.True((await Post("v1/activate", new { key = lk, domain = "staging.customer-site.com" })).GetProperty("activated").GetBoolean());
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "customer-site.com" })).GetProperty("code").GetString());
        var license = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal(1, license.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(["localhost", "staging.customer-site.com"],
            license.GetProperty("developmentHosts").EnumerateArray().Select(d => d.GetProperty("domain").GetString()));
    }

    [Fact]
    public async Task Without_a_plan_setting_a_license_gets_10_development_hosts()
    {
        var (apiKey, lk, _) = await License(maxDevelopmentHosts: null);
        var product = (await Host.GetAsync("v1/products/p", apiKey)).Json;
        Assert.Equal(10, product.GetProperty("plans")[0].GetProperty("maxDevelopmentHosts").GetInt32());
        for (var i = 0; i < 10; i++)
            Assert.True((await Post("v1/activate", new { key = lk, domain = $"site{i}.local" })).GetProperty("activated").GetBoolean());
        Assert.Equal("ACTIVATION_LIMIT_REACHED", (await Post("v1/activate", new { key = lk, domain = "site10.local" })).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public async Task The_plan_setting_is_validated(int value)
    {
        var (_, apiKey) = await Host.CreateAccountAsync();
        var r = await Host.PutAsync("v1/products/p",
            new { name = "P", plans = new[] { new { id = "one", model = "perpetual", maxActivations = 1, maxDevelopmentHosts = value } } }, apiKey);
        Assert.True(r.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").TryGetProperty("plans[0].maxDevelopmentHosts",
            out _), r.Text);
    }

    [Fact]
    public async Task More_development_hosts_in_a_day_than_the_allowance_is_a_sharing_signal()
    {
        var (apiKey, lk, id) = await License(maxDevelopmentHosts: 2, maxActivations: 2, autoSuspendOnSharing: true);
        var (withinApiKey, within, withinId) = await License(maxDevelopmentHosts: 2, maxActivations: 2, autoSuspendOnSharing: true);
        foreach (var domain in new[] { "localhost", "staging.pirate-one.com", "staging.pirate-two.com" })
            await Post("v1/validate", new { key = lk, domain });
        foreach (var domain in new[] { "localhost", "staging.customer-site.com" })
            await Post("v1/validate", new { key = within, domain });
        await Host.Services.GetRequiredService<ActivityFlusher>().FlushAsync(default);

        var flagged = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.True(flagged.GetProperty("sharing").GetProperty("suspected").GetBoolean(), flagged.ToString());
        Assert.Equal(3, flagged.GetProperty("sharing").GetProperty("distinctDevelopmentHosts").GetInt32());
        Assert.Equal(0, flagged.GetProperty("sharing").GetProperty("distinctDomains").GetInt32());
        Assert.Equal("suspended", flagged.GetProperty("status").GetString());

        // Within the allowance: seen, counted, not suspected.
        var fine = (await Host.GetAsync($"v1/licenses/{withinId}", withinApiKey)).Json;
        Assert.False(fine.GetProperty("sharing").GetProperty("suspected").GetBoolean(), fine.ToString());
        Assert.Equal(2, fine.GetProperty("sharing").GetProperty("distinctDevelopmentHosts").GetInt32());
        Assert.Equal("active", fine.GetProperty("status").GetString());
    }
}
