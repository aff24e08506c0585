using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Activity;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Activity;

/// <summary><c>GET /v1/licenses/{id}</c>'s <c>usage.daily</c>: validations per UTC day, as the activity flush counted them.</summary>
public sealed class ValidationTimelineHttpTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2027, 6, 10, 10, 0, 0, TimeSpan.Zero));

    /// <summary>The test flushes by hand (the host's own flush waits an hour); the clock lives in 2027, so no shared queues.</summary>
    private Task<TestHost> StartAsync() => TestHost.StartAsync(clock: _clock,
        settings: new Dictionary<string, string?> { ["Licensing:ActivityFlushSeconds"] = "3600" }, queues: false);

    private static async Task ValidateAsync(TestHost host, string key, int valid, int notValid = 0)
    {
        for (var i = 0; i < valid; i++)
            Assert.True((await host.PostOkAsync("v1/validate", new { key, domain = "customer-site.com" })).GetProperty("valid").GetBoolean());
        for (var i = 0; i < notValid; i++) // the pro plan lacks custom-branding: FEATURE_NOT_ENTITLED
            Assert.False((await host.PostOkAsync("v1/validate", new { key, domain = "customer-site.com", features = new[] { "custom-branding" } }))
                .GetProperty("valid").GetBoolean());
        await host.Services.GetRequiredService<ActivityFlusher>().FlushAsync(default);
    }

    private static async Task<JsonElement> UsageAsync(TestHost host, string apiKey, string licenseId)
    {
        var r = await host.GetAsync($"v1/licenses/{licenseId}", apiKey);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json.GetProperty("usage");
    }

    private static (string, long, long)[] Days(JsonElement usage) =>
        [.. usage.GetProperty("daily").EnumerateArray()
            .Select(d => (d.GetProperty("date").GetString()!, d.GetProperty("validations").GetInt64(), d.GetProperty("valid").GetInt64()))];

    [Fact]
    public async Task Validations_on_two_days_show_as_two_days_with_their_counts_and_leave_after_30_days()
    {
        await using var host = await StartAsync();
        var apiKey = await host.CreateAccountWithProductAsync();
        var license = await host.IssueAsync(apiKey);
        var (id, key) = (license.GetProperty("licenseId").GetString()!, license.GetProperty("licenseKey").GetString()!);
        Assert.Empty(Days(await UsageAsync(host, apiKey, id)));

        await ValidateAsync(host, key, valid: 3, notValid: 1);
        _clock.Advance(TimeSpan.FromHours(1));
        await ValidateAsync(host, key, valid: 1);
        _clock.Advance(TimeSpan.FromDays(1));
        await ValidateAsync(host, key, valid: 2, notValid: 2);

        var usage = await UsageAsync(host, apiKey, id);
        Assert.Equal([("2027-06-10", 5L, 4L), ("2027-06-11", 4L, 2L)], Days(usage));
        Assert.Equal((9, 6), (usage.GetProperty("validations").GetInt64(), usage.GetProperty("validValidations").GetInt64()));

        // 30 days after the first day it is no longer among the last 30 UTC days, though nothing was written since.
        _clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal([("2027-06-11", 4L, 2L)], Days(await UsageAsync(host, apiKey, id)));
        Assert.Equal(9, (await UsageAsync(host, apiKey, id)).GetProperty("validations").GetInt64());
    }

    [Fact]
    public async Task An_activity_row_written_before_days_were_kept_answers_no_days_then_counts_the_next_validations()
    {
        await using var host = await StartAsync();
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        var license = await host.IssueAsync(apiKey);
        var (id, key) = (license.GetProperty("licenseId").GetString()!, license.GetProperty("licenseKey").GetString()!);
        // The row as the flush wrote it before: totals, the sharing window, no "Days".
        await new TableClient(TestHost.Azurite, TableStorage.ActivityTable).UpsertEntityAsync(new TableEntity(accountId, id)
        {
            ["FirstValidatedAt"] = new DateTimeOffset(2027, 5, 1, 8, 0, 0, TimeSpan.Zero),
            ["LastValidatedAt"] = new DateTimeOffset(2027, 6, 9, 8, 0, 0, TimeSpan.Zero),
            ["Validations"] = 7L,
            ["ValidValidations"] = 6L,
            ["WindowStart"] = new DateTimeOffset(2027, 6, 9, 8, 0, 0, TimeSpan.Zero),
            ["WindowDomains"] = "[\"customer-site.com\"]",
            ["WindowAddresses"] = "[]",
            ["WindowDevelopmentHosts"] = "[]",
        }, TableUpdateMode.Replace);

        var before = await UsageAsync(host, apiKey, id);
        Assert.Equal(7, before.GetProperty("validations").GetInt64());
        Assert.Empty(Days(before));

        await ValidateAsync(host, key, valid: 1, notValid: 1);

        var after = await UsageAsync(host, apiKey, id);
        Assert.Equal([("2027-06-10", 2L, 1L)], Days(after));
        Assert.Equal((9, 7), (after.GetProperty("validations").GetInt64(), after.GetProperty("validValidations").GetInt64()));
    }
}
