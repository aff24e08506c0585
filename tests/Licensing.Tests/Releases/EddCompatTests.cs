using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Releases;

/// <summary>
/// The EDD compatibility endpoint, called as EDD Software Licensing's plugins and updater call a store: form posts to the
/// store URL with a trailing slash, PHP's false sent as 0, home_url() with scheme and port, GET query strings.
/// </summary>
public sealed class EddCompatTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<(string AccountId, string ApiKey, string Key, string LicenseId)> StoreAsync(object? issue = null)
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var license = await Host.IssueAsync(apiKey, issue);
        return (accountId, apiKey, license.GetProperty("licenseKey").GetString()!, license.GetProperty("licenseId").GetString()!);
    }

    /// <summary>A form post exactly as wp_remote_post sends an array body: application/x-www-form-urlencoded, to the store URL + '/'.</summary>
    private async Task<JsonElement> PostFormAsync(string accountId, params (string Name, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        using var response = await Host.Http.PostAsync($"v1/compat/edd/{accountId}/", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static (string, string)[] UpdaterFields(string key, string itemName = "0", string itemId = "0", string beta = "0") =>
    [
        ("edd_action", "get_version"), ("license", key), ("item_name", itemName), ("item_id", itemId), ("version", "1.0.0"),
        ("slug", "my-plugin"), ("author", "Acme"), ("url", "http://Customer-Site.com:8080/wp"), ("beta", beta), ("php_version", "8.2.1"),
        ("wp_version", "6.7"),
    ];

    [Fact]
    public async Task Get_version_answers_what_the_updater_reads_with_a_package_that_downloads()
    {
        var (accountId, apiKey, key, _) = await StoreAsync();
        var zip = ReleaseSteps.Zip("1.1.0");
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.1.0", package: zip);
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.2.0-beta.1", "beta");

        var info = await PostFormAsync(accountId, UpdaterFields(key));
        Assert.Equal("1.1.0", info.GetProperty("new_version").GetString());
        Assert.Equal("1.1.0", info.GetProperty("stable_version").GetString());
        Assert.Equal("My Plugin", info.GetProperty("name").GetString());
        Assert.Equal("my-plugin", info.GetProperty("slug").GetString());
        Assert.Equal("6.7", info.GetProperty("tested").GetString());
        Assert.Equal("6.0", info.GetProperty("requires").GetString());
        Assert.Equal("8.1", info.GetProperty("requires_php").GetString());
        var changelog = "<h2>1.1.0</h2>\n<ul>\n<li>Fixed <strong>things</strong></li>\n</ul>\n";
        Assert.Equal($"a:2:{{s:11:\"description\";s:0:\"\";s:9:\"changelog\";s:{changelog.Length}:\"{changelog}\";}}",
            info.GetProperty("sections").GetString());
        Assert.Equal("a:2:{s:4:\"high\";s:0:\"\";s:3:\"low\";s:0:\"\";}", info.GetProperty("banners").GetString());
        Assert.Equal("a:0:{}", info.GetProperty("icons").GetString());
        var package = info.GetProperty("package").GetString()!;
        Assert.Equal(package, info.GetProperty("download_link").GetString());
        using (var download = await ReleaseSteps.GetRawAsync(package))
            Assert.Equal(zip, await download.Content.ReadAsByteArrayAsync());

        var beta = await PostFormAsync(accountId, UpdaterFields(key, beta: "1"));
        Assert.Equal("1.2.0-beta.1", beta.GetProperty("new_version").GetString());
        Assert.Equal("1.1.0", beta.GetProperty("stable_version").GetString());
    }

    [Fact]
    public async Task Get_version_without_a_valid_license_names_the_version_but_gives_no_package()
    {
        var (accountId, apiKey, key, licenseId) = await StoreAsync();
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.1.0");
        Assert.Equal(HttpStatusCode.OK, (await Host.PostAsync($"v1/licenses/{licenseId}/suspend", null, apiKey)).Status);
        var requests = new[] { UpdaterFields(key, itemId: "my-plugin"), UpdaterFields("", itemName: "My%20Plugin"), UpdaterFields("", itemName: "my plugin") };
        foreach (var fields in requests)
        {
            var info = await PostFormAsync(accountId, fields);
            Assert.Equal("1.1.0", info.GetProperty("new_version").GetString());
            Assert.Equal("", info.GetProperty("package").GetString());
            Assert.False(string.IsNullOrEmpty(info.GetProperty("msg").GetString()));
            Assert.StartsWith("a:2:{", info.GetProperty("sections").GetString());
        }
    }

    [Fact]
    public async Task The_updaters_get_request_with_a_query_string_is_answered_too()
    {
        var (accountId, apiKey, key, _) = await StoreAsync();
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.1.0");
        var query = string.Join('&', UpdaterFields(key, itemName: "My Plugin").Select(f => $"{f.Item1}={Uri.EscapeDataString(f.Item2)}"));
        var r = await Host.GetAsync($"v1/compat/edd/{accountId}/?{query}");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("1.1.0", r.Json.GetProperty("new_version").GetString());
        Assert.StartsWith("http", r.Json.GetProperty("package").GetString());
    }

    [Fact]
    public async Task Activate_check_and_deactivate_answer_in_edds_license_states()
    {
        var (accountId, apiKey, key, licenseId) = await StoreAsync(new
        {
            productId = "my-plugin",
            customerEmail = "edd@example.com",
            plan = "pro",
            maxActivations = 1,
        });
        (string, string)[] Call(string action, string url) => [("edd_action", action), ("license", key), ("item_name", "My+Plugin"), ("url", url)];

        var activated = await PostFormAsync(accountId, Call("activate_license", "https://shop-site.com:8443/"));
        Assert.True(activated.GetProperty("success").GetBoolean(), activated.ToString());
        Assert.Equal("valid", activated.GetProperty("license").GetString());
        Assert.Equal(1, activated.GetProperty("site_count").GetInt32());
        Assert.Equal(0, activated.GetProperty("activations_left").GetInt32());
        Assert.Equal(1, activated.GetProperty("license_limit").GetInt32());

        Assert.Equal("valid", (await PostFormAsync(accountId, Call("check_license", "http://www.shop-site.com"))).GetProperty("license").GetString());
        var other = await PostFormAsync(accountId, Call("check_license", "https://other-site.com"));
        Assert.Equal("site_inactive", other.GetProperty("license").GetString());
        var full = await PostFormAsync(accountId, Call("activate_license", "https://other-site.com"));
        Assert.False(full.GetProperty("success").GetBoolean());
        Assert.Equal("no_activations_left", full.GetProperty("error").GetString());

        var deactivated = await PostFormAsync(accountId, Call("deactivate_license", "https://shop-site.com:8443/"));
        Assert.True(deactivated.GetProperty("success").GetBoolean());
        Assert.Equal("deactivated", deactivated.GetProperty("license").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Host.PostAsync($"v1/licenses/{licenseId}/revoke", null, apiKey)).Status);
        Assert.Equal("disabled", (await PostFormAsync(accountId, Call("check_license", "https://shop-site.com"))).GetProperty("license").GetString());

        var unknown = await PostFormAsync(accountId, ("edd_action", "check_license"), ("license", "nope"), ("item_id", "0"), ("url", "https://shop-site.com"));
        Assert.Equal("invalid", unknown.GetProperty("license").GetString());
        var wrongItem = await PostFormAsync(accountId, ("edd_action", "check_license"), ("license", key), ("item_id", "12345"), ("url", "https://a-site.com"));
        Assert.Equal("invalid_item_id", wrongItem.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_expired_license_checks_as_expired()
    {
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, queues: false);
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        var key = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        clock.Advance(TimeSpan.FromDays(366));
        using var content = new FormUrlEncodedContent([new("edd_action", "check_license"), new("license", key), new("url", "https://customer-site.com")]);
        using var response = await host.Http.PostAsync($"v1/compat/edd/{accountId}", content);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("expired", json.GetProperty("license").GetString());
        Assert.False(json.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task A_key_of_another_account_is_unknown_at_this_store()
    {
        var (_, _, key, _) = await StoreAsync();
        var (otherAccount, _, _, _) = await StoreAsync();
        var r = await PostFormAsync(otherAccount, ("edd_action", "check_license"), ("license", key), ("url", "https://customer-site.com"));
        Assert.Equal("invalid", r.GetProperty("license").GetString());
    }
}
