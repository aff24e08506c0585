using Licensing.Client;
using Licensing.Tests.Releases;
using Licensing.Tests.Support;

namespace Licensing.Tests.Sdk;

/// <summary>The .NET SDK's update check and download against the local host (Azurite tables and blobs).</summary>
public sealed class DotnetSdkUpdateTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private LicenseClient Client(string jwks, Uri? baseUrl = null) => new(new LicenseClientOptions
    {
        BaseUrl = baseUrl ?? Host.BaseAddress,
        PinnedJwks = jwks,
        Timeout = Patience.Bound, // bounds a hang only
    });

    [Fact]
    public async Task An_app_checks_for_an_update_downloads_it_and_the_hash_matches()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var key = (await Host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        var zip = ReleaseSteps.Zip("2.1.0");
        await ReleaseSteps.ShipAsync(Host, apiKey, "2.1.0", package: zip);
        using var client = Client((await Host.GetAsync("v1/keys")).Text);

        var update = await client.CheckForUpdateAsync(key, "2.0.3", fingerprint: "machine-7f3a");
        Assert.True(update.UpdateAvailable, update.Detail);
        Assert.Equal("VALID", update.Code);
        Assert.Equal("2.1.0", update.Version);
        Assert.Equal(zip.Length, update.PackageSize);
        Assert.Contains("<strong>things</strong>", update.ChangelogHtml);
        using var file = new MemoryStream();
        await client.DownloadUpdateAsync(update, file);
        Assert.Equal(zip, file.ToArray());

        var current = await client.CheckForUpdateAsync(key, "2.1.0", fingerprint: "machine-7f3a");
        Assert.False(current.UpdateAvailable);
        Assert.Null(current.Package);
        Assert.Equal("VALID", current.Code);

        // A changed package is refused rather than installed.
        update.GetType().GetProperty(nameof(UpdateInfo.PackageSha256))!.SetValue(update, new string('0', 64));
        await Assert.ThrowsAsync<InvalidDataException>(() => client.DownloadUpdateAsync(update, new MemoryStream()));
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_no_update_not_an_error()
    {
        using var client = Client((await Host.GetAsync("v1/keys")).Text, new Uri("http://127.0.0.1:1/api/"));
        var update = await client.CheckForUpdateAsync("LK1.x", "1.0.0", domain: "customer-site.com");
        Assert.False(update.UpdateAvailable);
        Assert.Equal("UNREACHABLE", update.Code);
    }
}
