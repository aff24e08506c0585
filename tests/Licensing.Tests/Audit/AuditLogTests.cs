using System.Net;
using System.Text.Json;
using Licensing.Domain.Audit;
using Licensing.Functions.Audit;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Audit;

public sealed class AuditLogTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private static string Time(DateTimeOffset at) =>
        Uri.EscapeDataString(at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));

    private static ChangeRecord Entry(string accountId, DateTimeOffset at, string? licenseId, string action = "license.updated") =>
        new(LicenseChanges.NewId(at), accountId, at, Actor.System("test"), action, new ChangeTarget("license", licenseId ?? "none"), null, licenseId);

    private static string[] Ids(IEnumerable<JsonElement> items) => [.. items.Select(i => i.GetProperty("id").GetString()!)];

    [Fact]
    public async Task Listing_is_newest_first_across_months_paged_and_filtered_by_license_and_time()
    {
        var (accountId, apiKey) = await Host.CreateAccountAsync();
        var now = DateTimeOffset.UtcNow;
        var log = Host.Services.GetRequiredService<IAuditLog>();
        const string a = "lic_aaaaaaaaaaaaaaaaaaaaaaaa", b = "lic_bbbbbbbbbbbbbbbbbbbbbbbb";
        var entries = new[] { Entry(accountId, now.AddDays(-70), a), Entry(accountId, now.AddDays(-40), b), Entry(accountId, now.AddDays(-35), a),
            Entry(accountId, now.AddDays(-10), null, "product.updated"), Entry(accountId, now.AddDays(-1), a) };
        foreach (var e in entries) await log.AppendAsync(e, default);
        await log.AppendAsync(entries[2], default); // at least once: a second delivery changes nothing
        var newestFirst = Ids(entries.Reverse().Select(e => JsonSerializer.SerializeToElement(new { id = e.Id })));

        Assert.Equal(newestFirst, Ids(await AuditProbe.ListAsync(Host, apiKey, limit: 2)));
        Assert.Equal(newestFirst, Ids(await AuditProbe.ListAsync(Host, apiKey)));
        Assert.Equal([entries[4].Id, entries[2].Id, entries[0].Id], Ids(await AuditProbe.ListAsync(Host, apiKey, $"licenseId={a}", limit: 1)));
        Assert.Equal([entries[4].Id, entries[3].Id, entries[2].Id], Ids(await AuditProbe.ListAsync(Host, apiKey, $"from={Time(now.AddDays(-38))}")));
        Assert.Equal([entries[2].Id, entries[1].Id, entries[0].Id], Ids(await AuditProbe.ListAsync(Host, apiKey, $"to={Time(now.AddDays(-30))}", limit: 2)));
        // from is inclusive, to exclusive.
        Assert.Equal([entries[2].Id], Ids(await AuditProbe.ListAsync(Host, apiKey, $"from={Time(entries[2].At)}&to={Time(entries[3].At)}&licenseId={a}")));
        var first = (await Host.GetAsync("v1/audit?limit=1", apiKey)).Json;
        var entry = first.GetProperty("items")[0];
        Assert.Equal(("system", "test", "license.updated", a), (entry.GetProperty("actor").GetProperty("type").GetString(),
            entry.GetProperty("actor").GetProperty("id").GetString(), entry.GetProperty("action").GetString(),
            entry.GetProperty("target").GetProperty("id").GetString()));

        // Another account sees none of it; a token is bound to its listing.
        var other = (await Host.CreateAccountAsync()).ApiKey;
        Assert.Empty(await AuditProbe.ListAsync(Host, other));
        var token = Uri.EscapeDataString(first.GetProperty("continuationToken").GetString()!);
        (await Host.GetAsync($"v1/audit?limit=1&continuationToken={token}", other)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.GetAsync($"v1/audit?limit=2&continuationToken={token}", apiKey)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.GetAsync($"v1/audit?limit=1&continuationToken=x{token}", apiKey)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Account_calls_outside_licenses_are_audited_without_secrets()
    {
        var (_, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        Assert.Equal(HttpStatusCode.OK, (await Host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, apiKey)).Status);
        const string secret = "whsec_audit_test_secret_value";
        Assert.Equal(HttpStatusCode.NoContent, (await Host.PutAsync("v1/integrations/stripe", new { webhookSecret = secret }, apiKey)).Status);
        var batch = await Host.PostAsync("v1/products/my-plugin/code-batches", new { plan = "lifetime", count = 2 }, apiKey);
        Assert.Equal(HttpStatusCode.Created, batch.Status);

        var items = await AuditProbe.ListAsync(Host, apiKey);
        Assert.Equal(["codes.created", "integration.updated", "product.updated", "product.created"], items.Select(i => i.GetProperty("action").GetString()));
        Assert.All(items, i => Assert.Equal("apiKey", i.GetProperty("actor").GetProperty("type").GetString()));
        Assert.Equal(batch.Json.GetProperty("batchId").GetString(), items[0].GetProperty("target").GetProperty("id").GetString());
        Assert.Equal("[set]", items[1].GetProperty("changes").GetProperty("webhookSecret").GetProperty("to").GetString());
        var text = string.Concat(items.Select(i => i.GetRawText()));
        Assert.DoesNotContain(secret, text);
        foreach (var code in batch.Json.GetProperty("codes").EnumerateArray()) Assert.DoesNotContain(code.GetString()!, text);
    }

    [Theory]
    [InlineData("licenseId=lic_nope", "licenseId")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2027-01-01", "to")]
    [InlineData("from=2027-01-02T00:00:00Z&to=2027-01-01T00:00:00Z", "from")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    public async Task Bad_filters_are_validation_problems(string query, string field)
    {
        var apiKey = (await Host.CreateAccountAsync()).ApiKey;
        var problem = (await Host.GetAsync("v1/audit?" + query, apiKey)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        (await Host.GetAsync("v1/audit")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Retention_deletes_the_months_wholly_older_than_the_setting_and_keeps_the_rest()
    {
        // Entries far older than anything other tests write, so the prune (which covers every account) touches only these.
        var now = DateTimeOffset.UtcNow;
        var old = new DateTimeOffset(now.Year - 3, 1, 20, 0, 0, 0, TimeSpan.Zero);
        await using var host = await TestHost.StartAsync(clock: new TestClock(old.AddMonths(2).AddDays(5)), queues: false,
            settings: new Dictionary<string, string?> { ["Licensing:AuditRetentionDays"] = "30" });
        var (accountId, apiKey) = await host.CreateAccountAsync();
        var log = host.Services.GetRequiredService<IAuditLog>();
        var expired = Entry(accountId, old, "lic_cccccccccccccccccccccccc");            // January: wholly before the cutoff's month
        var sameMonth = Entry(accountId, old.AddMonths(1), "lic_cccccccccccccccccccccccc"); // February 20: the cutoff (Feb 23) falls in its month
        var recent = Entry(accountId, old.AddMonths(2), null);                          // March 20
        foreach (var e in new[] { expired, sameMonth, recent }) await log.AppendAsync(e, default);
        var from = $"from={Time(old.AddDays(-1))}";
        Assert.Equal(3, (await AuditProbe.ListAsync(host, apiKey, from)).Count);

        await ActivatorUtilities.CreateInstance<ChangeFunctions>(host.Services).PruneAuditLog(null!, default);

        Assert.Equal([recent.Id, sameMonth.Id], Ids(await AuditProbe.ListAsync(host, apiKey, from)));
        Assert.Equal([sameMonth.Id], Ids(await AuditProbe.ListAsync(host, apiKey, $"{from}&licenseId=lic_cccccccccccccccccccccccc")));
    }
}
