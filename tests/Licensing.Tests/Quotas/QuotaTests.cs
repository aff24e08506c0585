using System.Net;
using Licensing.Domain.Activity;
using Licensing.Domain.Email;
using Licensing.Domain.Quotas;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Quotas;

public sealed class QuotaTests
{
    [Fact]
    public async Task The_free_tier_issues_five_licenses_even_under_concurrency_and_then_answers_quota_exceeded()
    {
        await using var host = await TestHost.StartAsync();
        var (accountId, apiKey) = await host.CreateAccountAsync(tier: "free");
        await host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, apiKey);
        var body = new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => host.PostAsync("v1/licenses", body, apiKey))));
        Assert.Equal(5, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => a.AssertProblem(HttpStatusCode.Forbidden, "QUOTA_EXCEEDED"));
        Assert.Equal(5, TestHost.StoredLicenseCount(accountId));
        var account = (await host.GetAsync("v1/account", apiKey)).Json;
        Assert.Equal("free", account.GetProperty("tier").GetString());
        Assert.Equal(5, account.GetProperty("usage").GetProperty("licensesIssued").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync($"v1/accounts/{accountId}/tier", new { tier = "pro" }, TestHost.AdminKey)).Status);
        Assert.Equal(HttpStatusCode.Created, (await host.PostAsync("v1/licenses", body, apiKey)).Status);
        (await host.PutAsync($"v1/accounts/{accountId}/tier", new { tier = "gold" }, TestHost.AdminKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Over_the_validation_quota_verdicts_stand_clients_come_back_weekly_and_the_founder_is_told_once()
    {
        await Smtp4dev.RequireAsync();
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, settings: new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:PerKeyBurst"] = "100000",
            ["Licensing:ActivityFlushSeconds"] = "3600",
        });
        var founder = $"founder-{Guid.NewGuid():N}@example.com";
        var created = await host.PostAsync("v1/accounts", new { name = "Small", email = founder, tier = "free" }, TestHost.AdminKey);
        var apiKey = created.Json.GetProperty("apiKey").GetString();
        await host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, apiKey);
        var lk = (await host.IssueAsync(apiKey!)).GetProperty("licenseKey").GetString();

        var flusher = host.Services.GetRequiredService<ActivityFlusher>();
        await Task.WhenAll(Enumerable.Range(0, 501).Select(_ => host.PostAsync("v1/validate", new { key = lk, domain = "customer-site.com" })));
        await flusher.FlushAsync(default);
        clock.Advance(QuotaGate.Ttl + TimeSpan.FromSeconds(1));

        var v = (await host.PostAsync("v1/validate", new { key = lk, domain = "customer-site.com" })).Json;
        Assert.Equal("VALID", v.GetProperty("code").GetString());
        var revalidate = DateTimeOffset.Parse(v.GetProperty("revalidateAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(revalidate.ToUnixTimeSeconds(), clock.GetUtcNow().AddDays(7).ToUnixTimeSeconds() - 2, clock.GetUtcNow().AddDays(7).ToUnixTimeSeconds());
        Assert.Equal("degraded", (await host.GetAsync("v1/account", apiKey)).Json.GetProperty("validationQuota").GetString());

        await host.PostAsync("v1/validate", new { key = lk });
        await flusher.FlushAsync(default);
        var notices = await Smtp4dev.WaitForAsync(founder, 1, Patience.Bound);
        Assert.StartsWith("Validation quota reached", Assert.Single(notices).Subject);
        // Told once: the month's one notice (one outbox entry per account and month), delivered at its first attempt.
        var accountId = created.Json.GetProperty("accountId").GetString()!;
        // (smtp4dev has it before the outbox records it sent: the record follows the SMTP server's answer.)
        var outbox = host.Services.GetRequiredService<IEmailOutbox>();
        var (id, until) = ($"quota-{QuotaGate.Month(clock.GetUtcNow())}", Patience.Deadline);
        OutboxEmail? notice;
        while ((notice = await outbox.GetAsync(accountId, id, default))?.State != OutboxEmail.Sent && DateTime.UtcNow < until) await Task.Delay(50);
        Assert.Equal((OutboxEmail.Sent, 1), (notice?.State, notice?.Attempts));
    }

    [Fact]
    public async Task The_over_quota_notice_is_marked_once_at_the_apps_time()
    {
        var clock = new TestClock(new DateTimeOffset(2031, 5, 17, 8, 30, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(clock: clock, queues: false); // five years ahead: no claims on the shared queues
        var (accountId, _) = await host.CreateAccountAsync(tier: "free");
        var quotas = host.Services.GetRequiredService<IQuotaStore>();
        var month = QuotaGate.Month(clock.GetUtcNow());

        Assert.False(await quotas.MarkNotifiedAsync(accountId, month, default)); // nothing counted this month yet
        Assert.Equal(3, await quotas.AddValidationsAsync(accountId, month, 3, default));
        Assert.True(await quotas.MarkNotifiedAsync(accountId, month, default));
        Assert.False(await quotas.MarkNotifiedAsync(accountId, month, default));
        Assert.Equal(3, await quotas.GetValidationsAsync(accountId, month, default));

        var row = new Azure.Data.Tables.TableClient(TestHost.Azurite, "accountusage").GetEntity<Azure.Data.Tables.TableEntity>(accountId, month).Value;
        Assert.Equal(clock.GetUtcNow(), row.GetDateTimeOffset("NotifiedAt"));
    }
}
