using System.Net;
using System.Net.Http.Json;
using Licensing.Domain.Activity;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Validation;

public sealed class AbuseTests
{
    [Fact]
    public async Task A_burst_of_validations_of_one_key_is_rate_limited_with_retry_after()
    {
        // The buckets refill on the app's clock: held still, 200 calls however slowly a loaded machine answers them get exactly the burst.
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, settings: new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:PerKeyBurst"] = "20",
            ["Licensing:RateLimits:PerKeyPerSecond"] = "1",
        });
        var apiKey = await host.CreateAccountWithProductAsync();
        var lk = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();
        var other = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => host.PostAsync("v1/validate", new { key = lk })));
        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(20, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.NotEmpty(limited);
        limited[0].AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        // Another key from the same address is unaffected.
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("v1/validate", new { key = other })).Status);
    }

    [Fact]
    public async Task Per_address_limits_cover_forged_keys_that_never_reach_storage()
    {
        await using var host = await TestHost.StartAsync(clock: new TestClock(), settings: new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:PerAddressBurst"] = "30",
            ["Licensing:RateLimits:PerAddressPerSecond"] = "1",
        });
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => host.PostAsync("v1/validate", new { key = $"LK1.guess{i}" })));
        Assert.Equal(30, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task One_key_on_more_domains_than_slots_is_flagged_and_auto_suspended_when_the_plan_says_so()
    {
        // The background flush is pushed out of the way: one running beside the test's own flush could hold the last
        // validations in flight (drained, not yet written) when the test's flush returns and the license is read.
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Licensing:ActivityFlushSeconds"] = "3600" });
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
        var watched = await host.IssueAsync(apiKey,
            new { productId = "p", customerEmail = "c@example.com", plan = "watch", domains = new[] { "a.com", "b.com" } });
        var strict = await host.IssueAsync(apiKey,
            new { productId = "p", customerEmail = "c@example.com", plan = "strict", domains = new[] { "a.com", "b.com" } });

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

        // The signal is journaled for the audit log and webhooks; the auto-suspension names the system as its actor.
        var watchedHistory = await Audit.AuditProbe.WaitForHistoryAsync(host, apiKey, watched.GetProperty("licenseId").GetString()!, 3);
        Assert.Equal("license.sharing_suspected", watchedHistory[0].GetProperty("action").GetString());
        Assert.Equal(4, watchedHistory[0].GetProperty("changes").GetProperty("sharing.distinctDomains").GetProperty("to").GetInt32());
        // (license.updated: the validation from localhost recorded a development host.)
        var strictHistory = await Audit.AuditProbe.WaitForHistoryAsync(host, apiKey, strict.GetProperty("licenseId").GetString()!, 4);
        Assert.Equal(["license.suspended", "license.sharing_suspected", "license.updated", "license.created"],
            strictHistory.Select(h => h.GetProperty("action").GetString()));
        Assert.Equal("timer:sharing-auto-suspend", strictHistory[0].GetProperty("actor").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Activity_is_coalesced_to_one_write_per_license_per_flush()
    {
        // The background flush is pushed out of the way so this test alone decides when to flush.
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Licensing:ActivityFlushSeconds"] = "3600" });
        var apiKey = await host.CreateAccountWithProductAsync();
        var issued = await host.IssueAsync(apiKey);
        var lk = issued.GetProperty("licenseKey").GetString();
        var flusher = host.Services.GetRequiredService<ActivityFlusher>();
        await flusher.FlushAsync(default);
        var writes = flusher.Writes;
        async Task<long> ValidationsAsync() =>
            (await host.GetAsync($"v1/licenses/{issued.GetProperty("licenseId").GetString()}", apiKey)).Json
            .GetProperty("usage").GetProperty("validations").GetInt64();

        for (var i = 0; i < 50; i++) await host.PostAsync("v1/validate", new { key = lk, domain = "customer-site.com" });
        await flusher.FlushAsync(default);

        Assert.Equal(50, await ValidationsAsync());
        Assert.Equal(1, flusher.Writes - writes);

        // Validated again before the next flush: written against the row this instance remembers (its ETag), without a read.
        var reads = flusher.Reads;
        for (var round = 1; round <= 2; round++)
        {
            for (var i = 0; i < 3; i++) await host.PostOkAsync("v1/validate", new { key = lk, domain = "customer-site.com" });
            await flusher.FlushAsync(default);
            Assert.Equal((0, 1 + round), (flusher.Reads - reads, flusher.Writes - writes));
        }
        Assert.Equal(56, await ValidationsAsync());
    }

    private static async Task<ApiResponse> ValidateFromAsync(TestHost host, string forwardedFor, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/validate") { Content = JsonContent.Create(new { key }) };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        using var response = await host.Http.SendAsync(request);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers,
            response.Content.Headers.ContentType?.MediaType);
    }

    private static Dictionary<string, string?> AddressLimit(int burst, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:PerAddressBurst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Licensing:RateLimits:PerAddressPerSecond"] = "0.01",
        };
        foreach (var (k, v) in more) settings[k] = v;
        return settings;
    }

    [Fact]
    public async Task By_default_a_rotating_x_forwarded_for_does_not_escape_the_per_address_limit()
    {
        await using var host = await TestHost.StartAsync(settings: AddressLimit(30));
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 100; i++) answers.Add(await ValidateFromAsync(host, $"203.0.113.{i % 250}", $"LK1.guess{i}"));
        Assert.InRange(answers.Count(a => a.Status == HttpStatusCode.OK), 30, 31);
        answers.First(a => a.Status == HttpStatusCode.TooManyRequests).AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Fact]
    public async Task Behind_a_configured_front_end_only_the_entry_it_appended_counts_and_one_address_has_one_form()
    {
        await using var host = await TestHost.StartAsync(settings: AddressLimit(30, ("Licensing:ClientAddress:Source", "XForwardedFor")));
        // What the client wrote before the front end's entry changes nothing: one client, one bucket.
        var spoofed = new List<ApiResponse>();
        for (var i = 0; i < 60; i++) spoofed.Add(await ValidateFromAsync(host, $"198.51.100.{i}, 203.0.113.7:{40000 + i}", $"LK1.guess{i}"));
        Assert.InRange(spoofed.Count(a => a.Status == HttpStatusCode.OK), 30, 31);

        // An IPv4 address and its IPv4-mapped IPv6 form are one client.
        var mapped = new List<ApiResponse>();
        for (var i = 0; i < 60; i++) mapped.Add(await ValidateFromAsync(host, i % 2 == 0 ? "192.0.2.9" : "::ffff:192.0.2.9", $"LK1.guess{i}"));
        Assert.InRange(mapped.Count(a => a.Status == HttpStatusCode.OK), 30, 31);

        // Another client behind the same front end has its own bucket.
        Assert.Equal(HttpStatusCode.OK, (await ValidateFromAsync(host, "192.0.2.10", "LK1.other")).Status);
    }

    [Theory]
    [InlineData("v1/accounts", true)]
    [InlineData("v1/licenses", false)]
    public async Task Failed_authentications_are_throttled_per_address_and_then_even_the_right_credential_waits(string path, bool admin)
    {
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:AuthFailuresBurst"] = "20",
            ["Licensing:RateLimits:AuthFailuresPerSecond"] = "0.01",
        });
        var (_, apiKey) = await host.CreateAccountAsync();
        var right = admin ? TestHost.AdminKey : apiKey;
        async Task<ApiResponse> CallAsync(string bearer) =>
            admin ? await host.PostAsync(path, new { name = "X", email = "x@example.com" }, bearer) : await host.GetAsync(path, bearer);

        var answers = new List<ApiResponse>();
        for (var i = 0; i < 300; i++) answers.Add(await CallAsync(admin ? $"wrong-admin-key-{i}" : $"lsk_{Guid.NewGuid():N}{Guid.NewGuid():N}"));
        Assert.Equal(20, answers.Count(a => a.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden));
        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(280, limited.Length);
        limited[0].AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.NotNull(limited[0].Headers.RetryAfter);

        // Guessing right now is not told apart from guessing wrong.
        (await CallAsync(right)).AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }
}
