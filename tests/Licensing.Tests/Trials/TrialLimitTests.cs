using System.Net;
using Azure.Data.Tables;
using Licensing.Domain.Trials;
using Licensing.Tests.Support;
using static Licensing.Tests.Trials.TrialSeller;

namespace Licensing.Tests.Trials;

/// <summary>
/// What the public trial route can cost: the per-address limit, the account's trials per day (which never touch the
/// license quota), and a request that fails half way, repeated.
/// </summary>
public sealed class TrialLimitTests
{
    [Fact]
    public async Task By_default_an_address_starts_five_trials_then_is_told_to_wait()
    {
        await using var host = await TestHost.StartAsync();
        var (accountId, _) = await CreateAsync(host);
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 6; i++) answers.Add(await host.PostAsync("v1/trials", Request(accountId, NewEmail(), domain: NewDomain())));
        Assert.All(answers.Take(5), a => Assert.Equal(HttpStatusCode.Created, a.Status));
        answers[5].AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.True(answers[5].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), answers[5].Text);
        Assert.Equal(5, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task An_account_hands_out_its_trials_per_day_exactly_and_they_never_spend_its_license_quota()
    {
        var clock = new TestClock();
        var settings = new Dictionary<string, string?>(TrialSeller.Unlimited) { ["Licensing:RateLimits:TrialsPerAccountPerDay"] = "3" };
        await using var host = await TestHost.StartAsync(clock: clock, settings: settings, queues: false);
        // A free account may hold 5 licenses: trials take none of them.
        var (accountId, apiKey) = await CreateAsync(host, tier: "free");
        var emails = Enumerable.Range(0, 6).Select(_ => NewEmail()).ToArray();
        var answers = await Task.WhenAll(emails.Select(e => host.PostAsync("v1/trials", Request(accountId, e, domain: NewDomain()))));
        Assert.Equal(3, answers.Count(a => a.Status == HttpStatusCode.Created));
        foreach (var refused in answers.Where(a => a.Status != HttpStatusCode.Created))
        {
            refused.AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        Assert.Equal(3, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(0, (await host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt32());
        for (var i = 0; i < 5; i++) await host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = NewEmail(), plan = "pro" });

        // The next UTC day the refused requests go through: they claimed nothing.
        clock.Advance(TimeSpan.FromDays(1));
        var later = await Task.WhenAll(emails.Where((_, i) => answers[i].Status != HttpStatusCode.Created)
            .Select(e => host.PostAsync("v1/trials", Request(accountId, e, domain: NewDomain()))));
        Assert.All(later, a => Assert.Equal(HttpStatusCode.Created, a.Status));
    }

    [Fact]
    public async Task A_request_that_failed_before_its_license_was_written_is_finished_by_repeating_it_and_never_makes_two()
    {
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, settings: TrialSeller.Unlimited, services: Faults.UseLicenseFaults, queues: false);
        var (accountId, _) = await CreateAsync(host);
        var email = NewEmail();
        var domain = NewDomain();
        Faults.CrashLicenseWriteOnce(email, Faults.LicenseCrash.BeforeWrite);
        Assert.True((int)(await host.PostAsync("v1/trials", Request(accountId, email, domain: domain))).Status >= 500);
        Assert.Equal(0, TestHost.StoredLicenseCount(accountId));

        // Right away the claim may still be in flight: 409, for this request and for anyone else on the site.
        (await host.PostAsync("v1/trials", Request(accountId, email, domain: domain))).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        clock.Advance(TrialRules.ResumeAfter);
        (await host.PostAsync("v1/trials", Request(accountId, NewEmail(), domain: domain))).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        (await host.PostAsync("v1/trials", Request(accountId, email, domain: NewDomain()))).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");

        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.PostAsync("v1/trials", Request(accountId, email, domain: domain))));
        var created = Assert.Single(repeats, a => a.Status == HttpStatusCode.Created);
        Assert.Equal(TrialRules.LicenseIdFor(accountId, "my-plugin", email), created.Json.GetProperty("licenseId").GetString());
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task Storage_down_is_503_with_retry_after()
    {
        await using var down = await TestHost.StartAsync(Storage.StorageOutageTests.ClosedPort, settings: TrialSeller.Unlimited);
        var r = await down.PostAsync("v1/trials", Request(Licensing.Domain.Common.Ids.NewAccountId(), NewEmail(), domain: NewDomain()));
        r.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.NotNull(r.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_request_that_failed_after_its_license_was_written_sends_the_key_when_repeated()
    {
        await using var host = await TestHost.StartAsync(settings: TrialSeller.Unlimited, services: Faults.UseLicenseFaults, queues: false);
        var (accountId, _) = await CreateAsync(host);
        var email = NewEmail();
        var domain = NewDomain();
        Faults.CrashLicenseWriteOnce(email, Faults.LicenseCrash.AfterWrite);
        Assert.True((int)(await host.PostAsync("v1/trials", Request(accountId, email, domain: domain))).Status >= 500);
        var licenseId = TrialRules.LicenseIdFor(accountId, "my-plugin", email);
        var outbox = new TableClient(TestHost.Azurite, "emailoutbox");
        Assert.False((await outbox.GetEntityIfExistsAsync<TableEntity>(accountId, "trial-" + licenseId)).HasValue);

        (await host.PostAsync("v1/trials", Request(accountId, email, domain: domain))).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        Assert.True((await outbox.GetEntityIfExistsAsync<TableEntity>(accountId, "trial-" + licenseId)).HasValue);
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
    }
}
