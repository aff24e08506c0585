using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Releases;

/// <summary>Update checks and licensed downloads over HTTP, against Azurite's tables and blobs.</summary>
public sealed class UpdateCheckTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<(string ApiKey, string Key, string LicenseId)> LicensedAsync(object? issue = null)
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var license = await Host.IssueAsync(apiKey, issue);
        return (apiKey, license.GetProperty("licenseKey").GetString()!, license.GetProperty("licenseId").GetString()!);
    }

    private static async Task<byte[]> DownloadAsync(string url)
    {
        using var response = await ReleaseSteps.GetRawAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task A_valid_license_gets_the_newest_uploaded_release_of_its_channel_and_downloads_it()
    {
        var (apiKey, key, _) = await LicensedAsync();
        var stable = ReleaseSteps.Zip("1.1.0");
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.1.0", package: stable);
        var beta = ReleaseSteps.Zip("1.2.0-beta.1");
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.2.0-beta.1", "beta", beta);
        await ReleaseSteps.PublishAsync(Host, apiKey, new { version = "1.3.0" }); // not uploaded: never offered

        var check = await ReleaseSteps.CheckAsync(Host, key, "1.0.0");
        Assert.True(check.GetProperty("updateAvailable").GetBoolean());
        Assert.Equal("1.1.0", check.GetProperty("version").GetString());
        Assert.Equal("VALID", check.GetProperty("code").GetString());
        Assert.Equal("6.7", check.GetProperty("testedWp").GetString());
        Assert.Equal("6.0", check.GetProperty("requiresWp").GetString());
        Assert.Equal("8.1", check.GetProperty("requiresPhp").GetString());
        Assert.Equal("<h2>1.1.0</h2>\n<ul>\n<li>Fixed <strong>things</strong></li>\n</ul>\n", check.GetProperty("changelog").GetString());
        Assert.Equal(stable, await DownloadAsync(check.GetProperty("package").GetString()!));
        // Reusable: the same link works again.
        Assert.Equal(stable, await DownloadAsync(check.GetProperty("package").GetString()!));

        var betaCheck = await ReleaseSteps.CheckAsync(Host, key, "1.0.0", "beta");
        Assert.Equal("1.2.0-beta.1", betaCheck.GetProperty("version").GetString());
        Assert.Equal(beta, await DownloadAsync(betaCheck.GetProperty("package").GetString()!));

        // A stable release above the beta: the beta channel is offered the newest of both.
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.2.0");
        Assert.Equal("1.2.0", (await ReleaseSteps.CheckAsync(Host, key, "1.2.0-beta.1", "beta")).GetProperty("version").GetString());
        Assert.Equal("1.2.0", (await ReleaseSteps.CheckAsync(Host, key, "1.1.0")).GetProperty("version").GetString());
    }

    [Fact]
    public async Task Nothing_newer_answers_no_update_with_the_licenses_verdict()
    {
        var (apiKey, key, _) = await LicensedAsync();
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.10.0");
        foreach (var running in new[] { "1.10.0", "1.10", "1.11.0-alpha" })
        {
            var check = await ReleaseSteps.CheckAsync(Host, key, running);
            Assert.False(check.GetProperty("updateAvailable").GetBoolean());
            Assert.Equal(JsonValueKind.Null, check.GetProperty("version").ValueKind);
            Assert.Equal(JsonValueKind.Null, check.GetProperty("package").ValueKind);
            Assert.Equal("VALID", check.GetProperty("code").GetString());
        }
        var unknown = await ReleaseSteps.CheckAsync(Host, "LK1.not-a-key", "1.0.0");
        Assert.Equal("NOT_FOUND", unknown.GetProperty("code").GetString());
        Assert.False(unknown.GetProperty("updateAvailable").GetBoolean());
    }

    [Fact]
    public async Task A_license_that_does_not_validate_sees_the_release_without_a_package_and_why()
    {
        var (apiKey, key, licenseId) = await LicensedAsync();
        await ReleaseSteps.ShipAsync(Host, apiKey, "2.0.0");
        var valid = await ReleaseSteps.CheckAsync(Host, key, "1.0.0");
        var link = valid.GetProperty("package").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Host.PostAsync($"v1/licenses/{licenseId}/revoke", null, apiKey)).Status);

        var check = await ReleaseSteps.CheckAsync(Host, key, "1.0.0");
        Assert.True(check.GetProperty("updateAvailable").GetBoolean());
        Assert.Equal("2.0.0", check.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, check.GetProperty("package").ValueKind);
        Assert.Equal("REVOKED", check.GetProperty("code").GetString());
        // The link handed out while it was valid is checked against the license at download time.
        using var download = await ReleaseSteps.GetRawAsync(link);
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Equal("application/problem+json", download.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_perpetual_license_is_not_given_releases_after_its_update_window()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var product = await Host.PutAsync("v1/products/my-plugin", new
        {
            name = "My Plugin",
            plans = new object[] { new { id = "forever", model = "perpetual", maxActivations = 3, features = Array.Empty<string>(), updatesDays = 365 } },
        }, apiKey);
        Assert.Equal(HttpStatusCode.OK, product.Status);
        var license = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "p@example.com", plan = "forever" });
        var key = license.GetProperty("licenseKey").GetString()!;
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.1.0", releasedAt: DateTimeOffset.UtcNow.AddDays(100));
        var covered = await ReleaseSteps.CheckAsync(Host, key, "1.0.0");
        Assert.Equal("VALID", covered.GetProperty("code").GetString());
        Assert.NotEqual(JsonValueKind.Null, covered.GetProperty("package").ValueKind);

        await ReleaseSteps.ShipAsync(Host, apiKey, "2.0.0", releasedAt: DateTimeOffset.UtcNow.AddDays(400));
        var check = await ReleaseSteps.CheckAsync(Host, key, "1.0.0");
        Assert.True(check.GetProperty("updateAvailable").GetBoolean());
        Assert.Equal("2.0.0", check.GetProperty("version").GetString());
        Assert.Equal("UPDATE_NOT_COVERED", check.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, check.GetProperty("package").ValueKind);
    }

    [Fact]
    public async Task Altered_or_foreign_download_tokens_answer_not_found()
    {
        var (apiKey, key, _) = await LicensedAsync();
        await ReleaseSteps.ShipAsync(Host, apiKey, "1.1.0");
        var link = (await ReleaseSteps.CheckAsync(Host, key, "1.0.0")).GetProperty("package").GetString()!;
        var token = link[(link.LastIndexOf('/') + 1)..];
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.'))));
        var extended = payload[..payload.LastIndexOf('|')] + "|" + DateTimeOffset.UtcNow.AddYears(5).ToUnixTimeSeconds();
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(extended)) + token[token.IndexOf('.')..];
        foreach (var bad in new[] { forged, token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1], "x", token + "x" })
        {
            using var r = await ReleaseSteps.GetRawAsync(link[..(link.LastIndexOf('/') + 1)] + bad);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
    }

    [Fact]
    public async Task A_download_link_works_for_24_hours_and_not_after()
    {
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, queues: false);
        var apiKey = await host.CreateAccountWithProductAsync();
        var key = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        await ReleaseSteps.ShipAsync(host, apiKey, "1.1.0");
        var check = await ReleaseSteps.CheckAsync(host, key, "1.0.0");
        var link = check.GetProperty("package").GetString()!;
        Assert.Equal(clock.GetUtcNow().AddHours(24), check.GetProperty("packageExpiresAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromHours(23));
        using (var ok = await ReleaseSteps.GetRawAsync(link)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using (var gone = await ReleaseSteps.GetRawAsync(link)) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task In_redirect_mode_a_download_is_a_redirect_to_a_short_lived_read_only_sas()
    {
        // As in Azure: links are made under the configured public address; this host answers on its own, so the test swaps it back.
        const string publicBase = "https://licensing.example.net/api";
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Licensing:Releases:DownloadMode"] = "Redirect",
            ["Licensing:PublicBaseUrl"] = publicBase + "/",
        });
        var apiKey = await host.CreateAccountWithProductAsync();
        var key = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        var zip = ReleaseSteps.Zip("1.1.0");
        await ReleaseSteps.ShipAsync(host, apiKey, "1.1.0", package: zip);
        var link = (await ReleaseSteps.CheckAsync(host, key, "1.0.0")).GetProperty("package").GetString()!;
        Assert.StartsWith(publicBase + "/v1/downloads/", link);
        using var redirect = await ReleaseSteps.GetRawAsync(host.BaseAddress + link[(publicBase.Length + 1)..]);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        var sas = redirect.Headers.Location!;
        var query = System.Web.HttpUtility.ParseQueryString(sas.Query);
        Assert.Equal("r", query["sp"]);
        Assert.InRange(DateTimeOffset.Parse(query["se"]!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddMinutes(6));
        using (var blob = await ReleaseSteps.GetRawAsync(sas.AbsoluteUri))
        {
            Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
            Assert.Equal(zip, await blob.Content.ReadAsByteArrayAsync());
            Assert.Contains("my-plugin-1.1.0.zip", blob.Content.Headers.ContentDisposition?.ToString());
        }
        using (var write = await ReleaseSteps.UploadAsync(sas.AbsoluteUri, [1])) Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task Bad_checks_are_refused_naming_the_field()
    {
        var (_, key, _) = await LicensedAsync();
        var r = await Host.PostAsync("v1/updates/check", new { key, version = "one", channel = "nightly" });
        var errors = r.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors");
        foreach (var field in new[] { "domain", "version", "channel" }) Assert.True(errors.TryGetProperty(field, out _), field);
        (await Host.PostAsync("v1/updates/check", new { key, domain = "customer-site.com" }))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").GetProperty("version");
    }
}
