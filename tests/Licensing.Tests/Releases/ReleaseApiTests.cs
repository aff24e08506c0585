using System.Net;
using System.Security.Cryptography;
using Licensing.Tests.Support;

namespace Licensing.Tests.Releases;

/// <summary>Publishing releases, uploading packages straight to blob storage (Azurite), and listing them, over HTTP.</summary>
public sealed class ReleaseApiTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    [Fact]
    public async Task A_release_is_published_uploaded_through_its_url_verified_and_listed_newest_first()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var published = await ReleaseSteps.PublishAsync(Host, apiKey, new
        {
            version = "1.9.0",
            channel = "stable",
            changelog = "## 1.9.0\n- <b>Bold</b> fix",
            requiresWp = "6.0",
            testedWp = "6.7",
            requiresPhp = "8.1",
            releasedAt = "2027-01-31T00:00:00Z",
        });
        Assert.StartsWith("rel_", published.GetProperty("id").GetString());
        Assert.Equal("1.9.0", published.GetProperty("version").GetString());
        Assert.Equal("stable", published.GetProperty("channel").GetString());
        Assert.False(published.GetProperty("packageUploaded").GetBoolean());
        Assert.Equal("2027-01-31T00:00:00Z", published.GetProperty("releasedAt").GetString());
        Assert.Equal("<h2>1.9.0</h2>\n<ul>\n<li>&lt;b&gt;Bold&lt;/b&gt; fix</li>\n</ul>\n", published.GetProperty("changelogHtml").GetString());
        var uploadUrl = published.GetProperty("uploadUrl").GetString()!;
        // A SAS on one blob: create and write only, expiring within minutes.
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(uploadUrl).Query);
        Assert.Equal("cw", query["sp"]);
        Assert.Equal("b", query["sr"]);
        Assert.False(string.IsNullOrEmpty(query["sig"]));
        Assert.InRange(DateTimeOffset.Parse(query["se"]!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddMinutes(16));
        var id = published.GetProperty("id").GetString();
        (await Host.PostAsync($"v1/products/my-plugin/releases/{id}/uploaded", null, apiKey)).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");

        var zip = ReleaseSteps.Zip("1.9.0");
        using (var upload = await ReleaseSteps.UploadAsync(uploadUrl, zip)) Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var wrongHash = await Host.PostAsync($"v1/products/my-plugin/releases/{id}/uploaded", new { sha256 = new string('0', 64) }, apiKey);
        wrongHash.AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        var sha = Convert.ToHexStringLower(SHA256.HashData(zip));
        var marked = await Host.PostAsync($"v1/products/my-plugin/releases/{id}/uploaded", new { sha256 = sha.ToUpperInvariant() }, apiKey);
        Assert.True(marked.Status == HttpStatusCode.OK, marked.Text);
        Assert.True(marked.Json.GetProperty("packageUploaded").GetBoolean());
        Assert.Equal(zip.Length, marked.Json.GetProperty("packageSize").GetInt64());
        Assert.Equal(sha, marked.Json.GetProperty("packageSha256").GetString());
        // Marking again is a no-op; a new upload URL is refused once the package is verified.
        Assert.Equal(HttpStatusCode.OK, (await Host.PostAsync($"v1/products/my-plugin/releases/{id}/uploaded", null, apiKey)).Status);
        (await Host.PostAsync($"v1/products/my-plugin/releases/{id}/upload-url", null, apiKey)).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");

        await ReleaseSteps.PublishAsync(Host, apiKey, new { version = "1.10.0", changelog = "" });
        await ReleaseSteps.PublishAsync(Host, apiKey, new { version = "1.10.0-beta.1", channel = "beta" });
        var list = await Host.GetAsync("v1/products/my-plugin/releases", apiKey);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var items = list.Json.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["1.10.0", "1.10.0-beta.1", "1.9.0"], items.Select(i => i.GetProperty("version").GetString()));
        Assert.All(items, i => Assert.False(i.TryGetProperty("uploadUrl", out _)));
        Assert.Equal([false, false, true], items.Select(i => i.GetProperty("packageUploaded").GetBoolean()));
    }

    [Fact]
    public async Task The_upload_url_writes_that_one_blob_and_nothing_else()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var published = await ReleaseSteps.PublishAsync(Host, apiKey, new { version = "2.0.0" });
        var uploadUrl = published.GetProperty("uploadUrl").GetString()!;
        using (var upload = await ReleaseSteps.UploadAsync(uploadUrl, ReleaseSteps.Zip("2.0.0"))) Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        using (var read = await ReleaseSteps.GetRawAsync(uploadUrl)) Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        var uri = new Uri(uploadUrl);
        var elsewhere = uri.GetLeftPart(UriPartial.Path).Replace(".zip", "-other.zip", StringComparison.Ordinal) + uri.Query;
        using (var other = await ReleaseSteps.UploadAsync(elsewhere, [1, 2, 3])) Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var renewed = await Host.PostAsync($"v1/products/my-plugin/releases/{published.GetProperty("id").GetString()}/upload-url", null, apiKey);
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        using (var again = await ReleaseSteps.UploadAsync(renewed.Json.GetProperty("uploadUrl").GetString()!, ReleaseSteps.Zip("2.0.0")))
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_publishes_nothing()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var bad = await Host.PostAsync("v1/products/my-plugin/releases",
            new { version = "1.2.3.4", channel = "nightly", requiresWp = "six", changelog = new string('x', 20_001) }, apiKey);
        var errors = bad.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors");
        foreach (var field in new[] { "version", "channel", "requiresWp", "changelog" }) Assert.True(errors.TryGetProperty(field, out _), field);
        (await Host.PostAsync("v1/products/my-plugin/releases", new { channel = "beta" }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").GetProperty("version");
        var list = await Host.GetAsync("v1/products/my-plugin/releases", apiKey);
        Assert.Empty(list.Json.GetProperty("items").EnumerateArray());

        await ReleaseSteps.PublishAsync(Host, apiKey, new { version = "1.2" });
        (await Host.PostAsync("v1/products/my-plugin/releases", new { version = "1.2.0+build.9" }, apiKey)).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        (await Host.PostAsync("v1/products/nope/releases", new { version = "1.0.0" }, apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.PostAsync("v1/products/my-plugin/releases", new { version = "1.0.0" })).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Another_accounts_product_and_releases_answer_not_found()
    {
        var owner = await Host.CreateAccountWithProductAsync();
        var other = await Host.CreateAccountWithProductAsync();
        var release = await ReleaseSteps.PublishAsync(Host, owner, new { version = "3.0.0" });
        var id = release.GetProperty("id").GetString();
        // The other account has a product of the same id, but not this release.
        (await Host.PostAsync($"v1/products/my-plugin/releases/{id}/uploaded", null, other)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty((await Host.GetAsync("v1/products/my-plugin/releases", other)).Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_package_over_100_MiB_is_refused_and_deleted()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var published = await ReleaseSteps.PublishAsync(Host, apiKey, new { version = "9.0.0" });
        using (var upload = await ReleaseSteps.UploadAsync(published.GetProperty("uploadUrl").GetString()!, new byte[100 * 1024 * 1024 + 1]))
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var id = published.GetProperty("id").GetString();
        var refused = await Host.PostAsync($"v1/products/my-plugin/releases/{id}/uploaded", null, apiKey);
        Assert.Contains("100 MiB", refused.AssertProblem(HttpStatusCode.Conflict, "CONFLICT").GetProperty("detail").GetString());
        // The blob is gone: marking again finds nothing uploaded.
        var again = await Host.PostAsync($"v1/products/my-plugin/releases/{id}/uploaded", null, apiKey);
        Assert.Contains("PUT the zip", again.AssertProblem(HttpStatusCode.Conflict, "CONFLICT").GetProperty("detail").GetString());
    }
}

/// <summary>Blob storage down while tables work: 503 with Retry-After, and nothing is published.</summary>
public sealed class ReleaseOutageTests
{
    [Fact]
    public async Task A_blob_outage_answers_503_with_retry_after_and_publishes_nothing()
    {
        // Azurite's well-known development account, with the blob endpoint on a port where nothing listens.
        var azurite = TestHost.Azurite.StartsWith("UseDevelopmentStorage", StringComparison.Ordinal)
            ? "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;"
                + "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
            : TestHost.Azurite;
        var deadBlobs = System.Text.RegularExpressions.Regex.Replace(azurite, "BlobEndpoint=[^;]+", "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1");
        await TestHost.RequireAzuriteAsync();
        await using var host = await TestHost.StartAsync(deadBlobs);
        var apiKey = await host.CreateAccountWithProductAsync();
        var r = await host.PostAsync("v1/products/my-plugin/releases", new { version = "1.0.0" }, apiKey);
        r.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.NotNull(r.Headers.RetryAfter);
        Assert.Empty((await host.GetAsync("v1/products/my-plugin/releases", apiKey)).Json.GetProperty("items").EnumerateArray());
    }
}
