using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Licenses;
using Licensing.Domain.Metrics;
using Licensing.Functions.Licenses;
using Licensing.Functions.Storage;
using Licensing.Tests.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Licensing.Tests.Metrics;

/// <summary>Today's issued/active/domain ratio are live (at most 60 s old), not null until the hourly roll-up.</summary>
[Collection(GlobalJobsCollection.Name)]
public sealed class MetricsFreshnessTests
{
    private const string Today = "2027-05-04", Yesterday = "2027-05-03";

    [Fact]
    public async Task A_new_license_shows_in_todays_metrics_within_a_minute_and_the_roll_up_agrees()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 5, 4, 10, 20, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(clock: clock, queues: false);
        var (accountId, apiKey) = await host.CreateAccountAsync();
        await host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, apiKey);
        await host.PutAsync("v1/products/other", new { name = "Other", plans = new[] { new { id = "x", model = "perpetual", maxActivations = 1 } } }, apiKey);

        // A brand-new founder: no licenses yet reads 0, not null.
        var empty = await MetricsAsync(host, apiKey, $"from={Today}&to={Today}");
        Assert.Equal(0, empty.GetProperty("licenses").GetProperty("issued").GetInt64());
        Assert.Equal(0, empty.GetProperty("testLicenses").GetInt64());

        await host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = "fresh-a@example.com", plan = "pro", domains = new[] { "a1.com", "a2.com" } });

        // No roll-up has run: the two figures come from the live snapshot (the cached empty one is over 60 s old).
        clock.Advance(LiveSnapshots.MaxAge);
        var m = await MetricsAsync(host, apiKey, $"productId=my-plugin&from={Yesterday}&to={Today}");
        Assert.Equal(1, m.GetProperty("licenses").GetProperty("issued").GetInt64());
        Assert.Equal(1, m.GetProperty("licenses").GetProperty("active").GetInt64());
        Assert.Equal(2.0, m.GetProperty("domainToLicenseRatio").GetDouble(), 9);
        var day = Assert.Single(m.GetProperty("daily").EnumerateArray());
        Assert.Equal(Today, day.GetProperty("date").GetString());
        Assert.Equal(2, day.GetProperty("activeDomains").GetInt64());

        // Within the minute the cached snapshot answers (one partition query per account per minute); after it, a new one.
        var b = await host.IssueAsync(apiKey, new { productId = "other", customerEmail = "fresh-b@example.com", plan = "x" });
        Assert.Equal(1, (await MetricsAsync(host, apiKey, $"from={Today}&to={Today}")).GetProperty("licenses").GetProperty("issued").GetInt64());
        clock.Advance(LiveSnapshots.MaxAge);
        var all = await MetricsAsync(host, apiKey, $"from={Today}&to={Today}");
        Assert.Equal(2, all.GetProperty("licenses").GetProperty("issued").GetInt64());
        Assert.Equal(2, all.GetProperty("licenses").GetProperty("active").GetInt64());

        // A revocation is live too; a past day is not touched by the live values.
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync($"v1/licenses/{b.GetProperty("licenseId").GetString()}/revoke", null, apiKey)).Status);
        clock.Advance(LiveSnapshots.MaxAge);
        var revoked = await MetricsAsync(host, apiKey, $"from={Today}&to={Today}");
        Assert.Equal(2, revoked.GetProperty("licenses").GetProperty("issued").GetInt64());
        Assert.Equal(1, revoked.GetProperty("licenses").GetProperty("active").GetInt64());
        var past = await MetricsAsync(host, apiKey, $"from={Yesterday}&to={Yesterday}");
        Assert.Equal(JsonValueKind.Null, past.GetProperty("licenses").GetProperty("issued").ValueKind);

        // The roll-up's snapshot, read straight from the metrics table, equals the live values per product.
        await host.Services.GetRequiredService<LifecycleJobs>().RollUpMetricsAsync(default);
        var store = host.Services.GetRequiredService<IMetricsStore>();
        var plugin = Assert.Single(await store.ListAsync(accountId, "my-plugin", Today, Today, default));
        var other = Assert.Single(await store.ListAsync(accountId, "other", Today, Today, default));
        Assert.Equal((1L, 1L, 2L), (plugin.Issued, plugin.Active, plugin.ActiveDomains));
        Assert.Equal((1L, 0L, 0L), (other.Issued, other.Active, other.ActiveDomains));
        var live = await host.Services.GetRequiredService<LiveSnapshots>().GetAsync(accountId, default);
        Assert.Equal(new ProductSnapshot(1, 1, 2), live.Products["my-plugin"]);
        Assert.Equal(new ProductSnapshot(1, 0, 0), live.Products["other"]);
    }

    [Fact]
    public async Task Todays_metrics_answer_503_with_Retry_After_when_the_live_read_meets_a_storage_outage()
    {
        // Accounts, keys and metric counters on Azurite; only the live license read goes to a closed port.
        var down = new TableServiceClient(StorageOutageTests.ClosedPort, new TableClientOptions { Retry = { MaxRetries = 0 } });
        await using var host = await TestHost.StartAsync(queues: false, services: s =>
            s.Replace(ServiceDescriptor.Singleton<ILicenseScan>(new LicenseTableStore(new TableStorage(down)))));
        var apiKey = await host.CreateAccountWithProductAsync();

        var r = await host.GetAsync("v1/metrics", apiKey);
        r.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.NotNull(r.Headers.RetryAfter);
        // A range without today needs no live read and still answers.
        var past = await host.GetAsync("v1/metrics?from=2020-01-01&to=2020-01-31", apiKey);
        Assert.Equal(HttpStatusCode.OK, past.Status);
        Assert.Equal(JsonValueKind.Null, past.Json.GetProperty("testLicenses").ValueKind);
    }

    private static async Task<JsonElement> MetricsAsync(TestHost host, string apiKey, string query)
    {
        var r = await host.GetAsync($"v1/metrics?{query}", apiKey);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        return r.Json;
    }
}
