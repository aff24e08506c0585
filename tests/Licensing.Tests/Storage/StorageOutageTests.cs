using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.Storage;

/// <summary>Storage unreachable (a closed port): 503 with Retry-After, never a wrong verdict.</summary>
public sealed class StorageOutageTests
{
    // Azurite's well-known development account, pointed at a port nobody listens on.
    internal const string ClosedPort =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;"
        + "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    [Fact]
    public async Task A_real_key_gets_503_not_a_verdict_when_storage_is_down()
    {
        string licenseKey, apiKey;
        await using (var up = await TestHost.StartAsync())
        {
            apiKey = await up.CreateAccountWithProductAsync();
            licenseKey = (await up.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        }
        await using var down = await TestHost.StartAsync(ClosedPort);

        var v = await down.PostAsync("v1/validate", new { key = licenseKey });
        v.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.NotNull(v.Headers.RetryAfter);
        Assert.DoesNotContain("   at ", v.Text); // no stack trace

        // A forged key still gets its verdict: it never needed storage.
        Assert.Equal("NOT_FOUND", (await down.PostAsync("v1/validate", new { key = "LK1.forged" })).Json.GetProperty("code").GetString());

        (await down.GetAsync("v1/licenses", apiKey)).AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        var health = await down.GetAsync("v1/health");
        health.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.Equal("unavailable", health.Json.GetProperty("checks").GetProperty("storage").GetString());
        Assert.Equal("ok", health.Json.GetProperty("checks").GetProperty("signing").GetString());
    }
}
