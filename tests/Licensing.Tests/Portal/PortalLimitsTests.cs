using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>The portal's "e-mail my key again" under the default limits: a few at once, then 429 with Retry-After, and nothing sent.</summary>
public sealed class PortalLimitsTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        await Smtp4dev.RequireAsync();
        _host = await TestHost.StartAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Resending_the_key_is_rate_limited_per_license()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var email = PortalTestKit.NewCustomer("limits");
        var licenseId = await PortalTestKit.IssueAsync(_host, apiKey, email, ["limits.example"]);
        var session = await PortalTestKit.SignInAsync(_host, accountId, email);

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await _host.PostAsync($"v1/portal/{accountId}/licenses/{licenseId}/resend", null, session)).Status);
        var refused = await _host.PostAsync($"v1/portal/{accountId}/licenses/{licenseId}/resend", null, session);
        refused.AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var sent = await Smtp4dev.WaitForAsync(email, 4, Patience.Bound); // the sign-in link and three keys
        Assert.Equal(3, sent.Count(m => m.Subject.Contains("license key", StringComparison.Ordinal)));
    }
}
