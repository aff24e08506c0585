using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Licenses;

/// <summary><c>GET /v1/licenses?key=</c> and <c>?domain=</c> over HTTP against Azurite.</summary>
public sealed class LicenseSearchTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<string[]> FoundAsync(string apiKey, string query)
    {
        var r = await Host.GetAsync("v1/licenses?" + query, apiKey);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("continuationToken").ValueKind);
        return r.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("licenseId").GetString()!).ToArray();
    }

    private static string Id(JsonElement license) => license.GetProperty("licenseId").GetString()!;

    [Fact]
    public async Task A_signed_key_finds_its_license_in_its_own_account_only()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var other = await Host.CreateAccountWithProductAsync();
        var issued = await Host.IssueAsync(apiKey);
        await Host.IssueAsync(apiKey);
        var key = issued.GetProperty("licenseKey").GetString()!;
        Assert.Equal([Id(issued)], await FoundAsync(apiKey, "key=" + Uri.EscapeDataString(key)));
        Assert.Empty(await FoundAsync(other, "key=" + Uri.EscapeDataString(key)));
        Assert.Empty(await FoundAsync(apiKey, "key=" + Uri.EscapeDataString(key[..^4] + (key[^4..] == "AAAA" ? "BBBB" : "AAAA"))));
    }

    [Fact]
    public async Task A_short_key_in_any_typing_and_an_imported_key_find_their_licenses()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        await Host.PutShortKeyProductAsync(apiKey, "typed-app");
        var issued = await Host.IssueAsync(apiKey, new { productId = "typed-app", customerEmail = "c@example.com", plan = "pro" });
        var shortKey = issued.GetProperty("licenseKey").GetString()!;
        Assert.Equal([Id(issued)], await FoundAsync(apiKey, "key=" + Uri.EscapeDataString(shortKey.ToLowerInvariant())));

        var imported = "EDD-" + Guid.NewGuid().ToString("N");
        var import = await Host.PostAsync("v1/licenses/import", new
        {
            productId = "my-plugin",
            licenses = new[] { new { key = imported, customerEmail = "i@example.com", plan = "pro" } },
        }, apiKey);
        Assert.True(import.Status == HttpStatusCode.OK, import.Text);
        var found = await FoundAsync(apiKey, "key=" + Uri.EscapeDataString(imported));
        Assert.Single(found);
        Assert.StartsWith("lic_", found[0], StringComparison.Ordinal);
        Assert.Empty(await FoundAsync(await Host.CreateAccountWithProductAsync(), "key=" + Uri.EscapeDataString(imported)));
    }

    [Fact]
    public async Task A_domain_finds_the_accounts_licenses_activated_on_it_in_any_spelling()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var other = await Host.CreateAccountWithProductAsync();
        var domain = $"shop-{Guid.NewGuid():N}.example.com";
        var a = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "a@example.com", plan = "pro", domains = new[] { domain } });
        var b = await Host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = "b@example.com", plan = "pro", domains = new[] { "elsewhere.example.org", domain } });
        await Host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro", domains = new[] { "elsewhere.example.org" } });
        await Host.IssueAsync(other, new { productId = "my-plugin", customerEmail = "d@example.com", plan = "pro", domains = new[] { domain } });
        var respelled = "domain=" + Uri.EscapeDataString($"https://WWW.{domain.ToUpperInvariant()}/");
        Assert.Equal(new[] { Id(a), Id(b) }.Order(), (await FoundAsync(apiKey, respelled)).Order());
        Assert.Empty(await FoundAsync(apiKey, "domain=nowhere.example.net"));
    }

    [Fact]
    public async Task The_management_client_finds_by_key_and_by_domain()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var domain = $"client-{Guid.NewGuid():N}.example.com";
        var issued = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "a@example.com", plan = "pro", domains = new[] { domain } });
        var client = new Licensing.Management.ManagementClient(Host.BaseAddress, apiKey);
        Assert.Equal([Id(issued)], (await client.FindLicensesByKeyAsync(issued.GetProperty("licenseKey").GetString()!)).Select(l => l.LicenseId));
        Assert.Equal([Id(issued)], (await client.FindLicensesByDomainAsync("https://" + domain + "/shop")).Select(l => l.LicenseId));
        var refused = await Assert.ThrowsAsync<Licensing.Management.ApiException>(() => client.FindLicensesByDomainAsync("not a host"));
        Assert.Equal("VALIDATION_FAILED", refused.Code);
    }

    [Fact]
    public async Task Searching_by_key_spends_none_of_the_keys_validation_limit()
    {
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, settings: new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:PerKeyBurst"] = "2",
            ["Licensing:RateLimits:PerKeyPerSecond"] = "1",
        });
        var apiKey = await host.CreateAccountWithProductAsync();
        var key = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v1/licenses?key=" + Uri.EscapeDataString(key), apiKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("v1/validate", new { key })).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("v1/validate", new { key })).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.PostAsync("v1/validate", new { key })).Status);
    }

    [Theory]
    [InlineData("domain=not%20a%20host", "domain")]
    [InlineData("key=a&domain=example.com", "domain")]
    [InlineData("key=abc&status=active", "status")]
    [InlineData("domain=example.com&continuationToken=x", "continuationToken")]
    [InlineData("key=a&key=b", "key")]
    public async Task Bad_searches_are_validation_failures_naming_the_field(string query, string field)
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var r = await Host.GetAsync("v1/licenses?" + query, apiKey);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("VALIDATION_FAILED", r.Json.GetProperty("code").GetString());
        Assert.True(r.Json.GetProperty("errors").TryGetProperty(field, out _), r.Text);
    }
}
