using System.Net;
using Licensing.Domain.Activity;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Api;

public sealed class AbuseTests
{
    [Fact]
    public async Task A_burst_of_validations_of_one_key_is_rate_limited_with_retry_after()
    {
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:PerKeyBurst"] = "20",
            ["Licensing:RateLimits:PerKeyPerSecond"] = "1",
        });
        var apiKey = await host.CreateAccountWithProductAsync();
        var lk = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();
        var other = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => host.PostAsync("v1/validate", new { key = lk })));
        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToArray();
        Assert.InRange(answers.Count(a => a.Status == HttpStatusCode.OK), 20, 25);
        Assert.NotEmpty(limited);
        limited[0].AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        // Another key from the same address is unaffected.
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("v1/validate", new { key = other })).Status);
    }

    [Fact]
    public async Task Per_address_limits_cover_forged_keys_that_never_reach_storage()
    {
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:PerAddressBurst"] = "30",
            ["Licensing:RateLimits:PerAddressPerSecond"] = "1",
        });
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => host.PostAsync("v1/validate", new { key = $"LK1.guess{i}" })));
        Assert.InRange(answers.Count(a => a.Status == HttpStatusCode.OK), 30, 35);
        Assert.Contains(answers, a => a.Status == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task One_key_on_more_domains_than_slots_is_flagged_and_auto_suspended_when_the_plan_says_so()
    {
        await using var host = await TestHost.StartAsync();
        var (_, apiKey) = await host.CreateAccountAsync();
        await host.PutAsync("v1/products/p", new
        {
            name = "P",
            plans = new object[]
            {
                new { id = "watch", model = "perpetual", maxActivations = 2 },
                new { id = "strict", model = "perpetual", maxActivations = 2, autoSuspendOnSharing = true },
            },
        }, apiKey);
        var watched = await host.IssueAsync(apiKey, new { productId = "p", customerEmail = "c@example.com", plan = "watch", domains = new[] { "a.com", "b.com" } });
        var strict = await host.IssueAsync(apiKey, new { productId = "p", customerEmail = "c@example.com", plan = "strict", domains = new[] { "a.com", "b.com" } });

        foreach (var l in new[] { watched, strict })
            foreach (var domain in new[] { "a.com", "b.com", "localhost", "pirate1.com", "pirate2.com" })
                await host.PostAsync("v1/validate", new { key = l.GetProperty("licenseKey").GetString(), domain });
        await host.Services.GetRequiredService<ActivityFlusher>().FlushAsync(default);

        var w = (await host.GetAsync($"v1/licenses/{watched.GetProperty("licenseId").GetString()}", apiKey)).Json;
        Assert.True(w.GetProperty("sharing").GetProperty("suspected").GetBoolean());
        Assert.Equal(4, w.GetProperty("sharing").GetProperty("distinctDomains").GetInt32()); // localhost is not counted
        Assert.Equal("active", w.GetProperty("status").GetString());
        Assert.Equal(5, w.GetProperty("usage").GetProperty("validations").GetInt64());
        Assert.Equal(3, w.GetProperty("usage").GetProperty("validValidations").GetInt64());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, w.GetProperty("usage").GetProperty("firstValidatedAt").ValueKind);

        var s = (await host.GetAsync($"v1/licenses/{strict.GetProperty("licenseId").GetString()}", apiKey)).Json;
        Assert.Equal("suspended", s.GetProperty("status").GetString());
        Assert.Equal("sharing", s.GetProperty("statusReason").GetString());
        var v = (await host.PostAsync("v1/validate", new { key = strict.GetProperty("licenseKey").GetString(), domain = "a.com" })).Json;
        Assert.Equal("SUSPENDED", v.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Activity_is_coalesced_to_one_write_per_license_per_flush()
    {
        // The background flush is pushed out of the way so this test alone decides when to flush.
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Licensing:ActivityFlushSeconds"] = "3600" });
        var apiKey = await host.CreateAccountWithProductAsync();
        var lk = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();
        var flusher = host.Services.GetRequiredService<ActivityFlusher>();
        var recorder = host.Services.GetRequiredService<ActivityRecorder>();
        await flusher.FlushAsync(default);
        var (writes, recorded) = (flusher.Writes, recorder.Recorded);

        for (var i = 0; i < 50; i++) await host.PostAsync("v1/validate", new { key = lk, domain = "customer-site.com" });
        await flusher.FlushAsync(default);

        Assert.Equal(50, recorder.Recorded - recorded);
        Assert.Equal(1, flusher.Writes - writes);
    }
}
