using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.Accounts;

/// <summary>Sign-up and sign-in are limited per client address and per e-mail address (429 RATE_LIMITED with Retry-After).</summary>
public sealed class SignInRateLimitTests
{
    [Fact]
    public async Task Requests_from_one_address_are_limited_whatever_the_e_mail()
    {
        await using var host = await TestHost.StartAsync(settings: AccountTestKit.Settings(
            ("Licensing:RateLimits:SignInPerAddressBurst", "4"), ("Licensing:RateLimits:SignInPerAddressPerSecond", "0.001")));
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 8; i++)
            answers.Add(await host.PostAsync(i % 2 == 0 ? "v1/signin" : "v1/signup", new { email = AccountTestKit.NewAddress("flood"), name = "F" }));
        Assert.Equal(4, answers.Count(a => a.Status == HttpStatusCode.Accepted));
        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(4, limited.Length);
        limited[0].AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Requests_for_one_e_mail_address_are_limited_in_any_case_and_others_go_on()
    {
        await using var host = await TestHost.StartAsync(settings: AccountTestKit.Settings(
            ("Licensing:RateLimits:SignInPerEmailBurst", "2"), ("Licensing:RateLimits:SignInPerEmailPerSecond", "0.001")));
        var target = AccountTestKit.NewAddress("target");
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostAsync("v1/signin", new { email = target })).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostAsync("v1/signup", new { email = target, name = "T" })).Status);
        var limited = await host.PostAsync("v1/signin", new { email = target.ToUpperInvariant() });
        limited.AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostAsync("v1/signin", new { email = AccountTestKit.NewAddress("other") })).Status);
    }
}
