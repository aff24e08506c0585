using System.Net;
using System.Text.Json;
using Licensing.Domain.Activity;
using Licensing.Domain.Licenses;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Metrics;

/// <summary>A scripted day of a founder's product, with exact expected metrics (docs/metrics.md has the definitions).</summary>
[Collection(GlobalJobsCollection.Name)]
public sealed class MetricsScenarioTests
{
    [Fact]
    public async Task The_five_metrics_have_exact_values_for_a_scripted_scenario()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 3, 10, 9, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(clock: clock,
            settings: new Dictionary<string, string?> { ["Licensing:ActivityFlushSeconds"] = "3600" }, queues: false);
        var (_, apiKey) = await host.CreateAccountAsync();
        await host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, apiKey);
        await host.PutAsync("v1/products/other", new { name = "Other", plans = new[] { new { id = "x", model = "perpetual", maxActivations = 1 } } }, apiKey);

        // 09:00 four licenses: A (2 domains), B (1 domain), C (none), D (soon expiring); one of another product.
        var a = await host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = "a@example.com", plan = "pro", domains = new[] { "a1.com", "a2.com" } });
        var b = await host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "b@example.com", plan = "pro", domains = new[] { "b.com" } });
        var c = await host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" });
        var d = await host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = "d@example.com", plan = "pro", expiresAt = "2027-03-10T12:00:00Z" });
        var o = await host.IssueAsync(apiKey, new { productId = "other", customerEmail = "o@example.com", plan = "x" });
        string K(JsonElement l) => l.GetProperty("licenseKey").GetString()!;
        string Id(JsonElement l) => l.GetProperty("licenseId").GetString()!;

        // 09:01 A validates 3 times (first at +60 s), B once valid and once from a pirate domain; 09:03 D validates (+180 s).
        clock.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++) await host.PostAsync("v1/validate", new { key = K(a), domain = "a1.com" });
        await host.PostAsync("v1/validate", new { key = K(b), domain = "b.com" });
        await host.PostAsync("v1/validate", new { key = K(b), domain = "b.com", features = new[] { "custom-branding" } });
        clock.Advance(TimeSpan.FromMinutes(2));
        await host.PostAsync("v1/validate", new { key = K(d) });
        await host.PostAsync("v1/validate", new { key = K(o) });
        await host.Services.GetRequiredService<ActivityFlusher>().FlushAsync(default);

        // C is revoked, A renewed; at 13:00 the timer marks D expired and the roll-up runs.
        await host.PostAsync($"v1/licenses/{Id(c)}/revoke", null, apiKey);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync($"v1/licenses/{Id(a)}/renew", new { expiresAt = "2029-01-01T00:00:00Z" }, apiKey)).Status);
        clock.Advance(TimeSpan.FromHours(4));
        var jobs = host.Services.GetRequiredService<LifecycleJobs>();
        Assert.True(await jobs.MarkExpiredAsync(default) >= 1);
        await jobs.RollUpMetricsAsync(default);

        var m = (await host.GetAsync("v1/metrics?productId=my-plugin&from=2027-03-10&to=2027-03-10", apiKey)).Json;
        Assert.Equal(6, m.GetProperty("validations").GetInt64());
        Assert.Equal(5, m.GetProperty("validValidations").GetInt64());
        Assert.Equal(5.0 / 6, m.GetProperty("validationSuccessRate").GetDouble(), 9);
        Assert.Equal(4, m.GetProperty("licenses").GetProperty("issued").GetInt64());
        Assert.Equal(2, m.GetProperty("licenses").GetProperty("active").GetInt64());              // A, B (C revoked, D expired)
        Assert.Equal(1.5, m.GetProperty("domainToLicenseRatio").GetDouble(), 9);                  // a1, a2, b over A, B
        Assert.Equal(1, m.GetProperty("renewals").GetInt64());
        Assert.Equal(1, m.GetProperty("expirations").GetInt64());
        Assert.Equal(0.5, m.GetProperty("renewalRate").GetDouble(), 9);
        var first = m.GetProperty("timeToFirstValidation");
        Assert.Equal(3, first.GetProperty("licenses").GetInt64());                                 // A +60, B +60, D +180
        Assert.Equal(100, first.GetProperty("meanSeconds").GetDouble(), 9);
        Assert.Equal(60, first.GetProperty("medianSeconds").GetDouble(), 9);
        var day = Assert.Single(m.GetProperty("daily").EnumerateArray());
        Assert.Equal("2027-03-10", day.GetProperty("date").GetString());
        Assert.Equal(3, day.GetProperty("firstValidations").GetInt64());
        Assert.Equal(60, day.GetProperty("firstValidationMedianSeconds").GetDouble(), 9); // the daily chart's hours: 60 s = 1/60 h
        Assert.True(m.GetProperty("definitions").TryGetProperty("renewalRate", out _));

        var all = (await host.GetAsync("v1/metrics?from=2027-03-10&to=2027-03-10", apiKey)).Json;
        Assert.Equal(7, all.GetProperty("validations").GetInt64());
        Assert.Equal(5, all.GetProperty("licenses").GetProperty("issued").GetInt64());
        (await host.GetAsync("v1/metrics?from=2027-13-01", apiKey)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }
}
