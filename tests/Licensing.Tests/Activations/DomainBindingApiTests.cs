using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Activations;

/// <summary>Domain bindings over HTTP: wildcards over public suffixes, and one slot per IP address whatever its form.</summary>
public sealed class DomainBindingApiTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<JsonElement> Post(string path, object body)
    {
        var r = await Host.PostAsync(path, body);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json;
    }

    private async Task<(string ApiKey, string LicenseKey, string LicenseId)> License(params string[] domains)
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var l = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro", domains });
        return (apiKey, l.GetProperty("licenseKey").GetString()!, l.GetProperty("licenseId").GetString()!);
    }

    [Theory]
    [InlineData("*.co.uk")]
    [InlineData("*.github.io")]
    [InlineData("*.com.au")]
    [InlineData("*.herokuapp.com")]
    [InlineData("*.azurewebsites.net")]
    [InlineData("*.vercel.app")]
    [InlineData("*.com")]
    public async Task A_wildcard_over_a_public_suffix_is_refused_at_issuance_and_activation_and_stores_nothing(string wildcard)
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var issued = (await Host.PostAsync("v1/licenses",
            new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro", domains = new[] { "shop.com", wildcard } }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(issued.GetProperty("errors").TryGetProperty("domains[1]", out var why), issued.ToString());
        Assert.Contains("registrable domain", why[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, TestHost.StoredLicenseCount(accountId));

        var l = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" });
        var lk = l.GetProperty("licenseKey").GetString();
        var activated = (await Host.PostAsync("v1/activate", new { key = lk, domain = wildcard }))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(activated.GetProperty("errors").TryGetProperty("domain", out _), activated.ToString());
        var license = (await Host.GetAsync($"v1/licenses/{l.GetProperty("licenseId").GetString()}", apiKey)).Json;
        Assert.Equal(0, license.GetProperty("activationsUsed").GetInt32());
        Assert.Empty(license.GetProperty("activations").EnumerateArray());
    }

    [Fact]
    public async Task A_wildcard_below_a_registrable_domain_works_at_issuance_and_activation()
    {
        var (apiKey, lk, id) = await License("*.Example.CO.UK");
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "https://shop.example.co.uk/" })).GetProperty("code").GetString());

        var activated = await Post("v1/activate", new { key = lk, domain = "*.me.github.io" });
        Assert.True(activated.GetProperty("activated").GetBoolean());
        Assert.Equal("*.me.github.io", activated.GetProperty("activation").GetProperty("domain").GetString());
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "docs.me.github.io" })).GetProperty("code").GetString());

        var license = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal(["*.example.co.uk", "*.me.github.io"], license.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, license.GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task An_ipv4_address_in_any_form_uses_one_slot()
    {
        var (apiKey, lk, id) = await License();
        var first = await Post("v1/activate", new { key = lk, domain = "8.8.8.8" });
        var slot = first.GetProperty("activation").GetProperty("id").GetString();
        foreach (var form in new[] { "::ffff:8.8.8.8", "[::ffff:8.8.8.8]", "http://[::ffff:808:808]:8080/", "0x08.0x08.010.8", "134744072" })
        {
            var again = await Post("v1/activate", new { key = lk, domain = form });
            Assert.True(again.GetProperty("activated").GetBoolean(), form);
            Assert.Equal(slot, again.GetProperty("activation").GetProperty("id").GetString());
            Assert.Equal("8.8.8.8", again.GetProperty("activation").GetProperty("domain").GetString());
            Assert.Equal(1, again.GetProperty("activationsUsed").GetInt32());
        }
        Assert.Equal("VALID", (await Post("v1/validate", new { key = lk, domain = "[::ffff:8.8.8.8]:443" })).GetProperty("code").GetString());
        Assert.Equal(1, (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("activationsUsed").GetInt32());

        var freed = await Post("v1/deactivate", new { key = lk, domain = "::ffff:8.8.8.8" });
        Assert.True(freed.GetProperty("deactivated").GetBoolean());
        Assert.Equal(0, freed.GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task Loopback_in_hex_is_loopback_a_development_host_never_a_host_name()
    {
        var (apiKey, lk, id) = await License();
        var a = await Post("v1/activate", new { key = lk, domain = "http://0x7f.0.0.1:8080/" });
        Assert.True(a.GetProperty("activated").GetBoolean());
        Assert.True(a.GetProperty("activation").GetProperty("development").GetBoolean());
        Assert.Equal("127.0.0.1", a.GetProperty("activation").GetProperty("domain").GetString());
        Assert.Equal(0, (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("activationsUsed").GetInt32());
    }
}
