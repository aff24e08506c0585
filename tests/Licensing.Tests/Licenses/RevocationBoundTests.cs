using Licensing.Tests.Support;

namespace Licensing.Tests.Licenses;

/// <summary>
/// The per-instance license cache (hot licenses) and its documented bound: a revocation made on this instance is seen
/// at once; one made on another instance within LicenseCacheSeconds (5 s).
/// </summary>
public sealed class RevocationBoundTests
{
    [Fact]
    public async Task A_revocation_on_another_instance_is_seen_within_the_cache_bound()
    {
        var clock = new TestClock();
        await using var validating = await TestHost.StartAsync(clock: clock);
        await using var admin = await TestHost.StartAsync(clock: clock);
        var apiKey = await admin.CreateAccountWithProductAsync();
        var l = await admin.IssueAsync(apiKey);
        var key = l.GetProperty("licenseKey").GetString();

        async Task<string> Code(TestHost host) =>
            (await host.PostAsync("v1/validate", new { key, domain = "customer-site.com" })).Json.GetProperty("code").GetString()!;
        Assert.Equal("VALID", await Code(validating)); // now cached on this instance
        await admin.PostAsync($"v1/licenses/{l.GetProperty("licenseId").GetString()}/revoke", null, apiKey);
        Assert.Equal("REVOKED", await Code(admin));       // the instance that revoked sees it at once
        Assert.Equal("VALID", await Code(validating));    // the other one within its bound...
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("REVOKED", await Code(validating));  // ...and no later
    }
}
