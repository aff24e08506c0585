using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Licenses;

/// <summary>Lifetime deals, perpetual-with-updates and usage-based licensing over HTTP against Azurite.</summary>
public sealed class LicenseModelTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<string> AccountWithAsync(object product, string productId = "app") => (await AccountAndIdWithAsync(product, productId)).ApiKey;

    private async Task<(string AccountId, string ApiKey)> AccountAndIdWithAsync(object product, string productId = "app")
    {
        await Smtp4dev.RequireAsync();
        var account = await Host.CreateAccountAsync();
        var r = await Host.PutAsync($"v1/products/{productId}", product, account.ApiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return account;
    }

    private static object LifetimeProduct => new
    {
        name = "Deal App",
        plans = new object[]
        {
            new { id = "ltd", name = "Lifetime tier 1", model = "lifetime", maxActivations = 2, features = new[] { "core" }, maxStackedCodes = 2 },
            new { id = "pro", model = "subscription", durationDays = 365, maxActivations = 5, features = new[] { "core", "white-label" } },
        },
    };

    private async Task<string[]> BatchAsync(string apiKey, int count)
    {
        var r = await Host.PostAsync("v1/products/app/code-batches", new { plan = "ltd", count }, apiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return r.Json.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToArray();
    }

    private static string NewEmail() => $"deal-{Guid.NewGuid():N}@example.com";

    /// <summary>Validates <paramref name="key"/> until the verdict is <paramref name="code"/> (a minute bounds a hang); returns that answer.</summary>
    private async Task<JsonElement> WaitForVerdictAsync(string key, string code)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var v = await Host.PostOkAsync("v1/validate", new { key });
            if (v.GetProperty("code").GetString() == code) return v;
            Assert.True(DateTime.UtcNow < deadline, $"still {v.GetProperty("code").GetString()}, expected {code}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_code_redeems_once_into_an_emailed_lifetime_license_with_fixed_features()
    {
        var (accountId, apiKey) = await AccountAndIdWithAsync(LifetimeProduct);
        var codes = await BatchAsync(apiKey, 3);
        Assert.Equal(3, codes.Length);
        var email = NewEmail();

        var r = await Host.PostAsync("v1/redeem", new { accountId, code = codes[0].ToLowerInvariant(), email, domain = "my-site.com" });
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        var lk = r.Json.GetProperty("licenseKey").GetString()!;
        Assert.Equal(2, r.Json.GetProperty("maxActivations").GetInt32());
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("expiresAt").ValueKind);
        Assert.Contains(lk, await Smtp4dev.PlainTextAsync((await Smtp4dev.WaitForAsync(email, 1, Patience.Bound)).Single().Id));

        (await Host.PostAsync("v1/redeem", new { accountId, code = codes[0], email = NewEmail() })).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        (await Host.PostAsync("v1/redeem", new { accountId, code = "ZZZZ-ZZZZ-ZZZZ-ZZZZ-Z", email })).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");

        var v = (await Host.PostAsync("v1/validate", new { key = lk, domain = "my-site.com", features = new[] { "white-label" } })).Json;
        Assert.Equal("FEATURE_NOT_ENTITLED", v.GetProperty("code").GetString());
        Assert.Contains("upgrading", v.GetProperty("detail").GetString());
        Assert.Equal("VALID",
            (await Host.PostAsync("v1/validate", new { key = lk, domain = "my-site.com", features = new[] { "core" } })).Json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_code_is_single_use_under_concurrency()
    {
        var (accountId, apiKey) = await AccountAndIdWithAsync(LifetimeProduct);
        var code = (await BatchAsync(apiKey, 1))[0];
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Host.PostAsync("v1/redeem", new { accountId, code, email = NewEmail() })));
        Assert.Single(attempts, a => a.Status == HttpStatusCode.OK);
        Assert.All(attempts.Where(a => a.Status != HttpStatusCode.OK), a => a.AssertProblem(HttpStatusCode.Conflict, "CONFLICT"));
        Assert.Single((await Host.GetAsync("v1/licenses", apiKey)).Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Stacked_codes_raise_the_limit_and_refunds_take_back_what_they_granted()
    {
        var (accountId, apiKey) = await AccountAndIdWithAsync(LifetimeProduct);
        var codes = await BatchAsync(apiKey, 3);
        var email = NewEmail();
        await Host.PostAsync("v1/redeem", new { accountId, code = codes[0], email });
        var second = (await Host.PostAsync("v1/redeem", new { accountId, code = codes[1], email = email.ToUpperInvariant() })).Json;
        Assert.Equal(4, second.GetProperty("maxActivations").GetInt32());
        Assert.Equal(2, second.GetProperty("stackedCodes").GetInt32());
        (await Host.PostAsync("v1/redeem", new { accountId, code = codes[2], email })).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Single((await Host.GetAsync("v1/licenses", apiKey)).Json.GetProperty("items").EnumerateArray());

        var refund = (await Host.PostAsync("v1/codes/refund", new { code = codes[1] }, apiKey)).Json;
        Assert.Equal(2, refund.GetProperty("maxActivations").GetInt32());
        Assert.Equal("active", refund.GetProperty("status").GetString());
        var last = (await Host.PostAsync("v1/codes/refund", new { code = codes[0] }, apiKey)).Json;
        Assert.Equal("revoked", last.GetProperty("status").GetString());
        Assert.Equal("REVOKED",
            (await Host.PostAsync("v1/validate", new { key = second.GetProperty("licenseKey").GetString() })).Json.GetProperty("code").GetString());
        (await Host.PostAsync("v1/redeem", new { accountId, code = codes[0], email })).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task Imported_codes_redeem_in_their_own_format_and_only_lifetime_plans_take_codes()
    {
        var (accountId, apiKey) = await AccountAndIdWithAsync(LifetimeProduct);
        var (first, second) = ($"AS-{Random.Shared.Next(100000, 999999)}-{Guid.NewGuid():N}"[..20], $"AS-{Guid.NewGuid():N}"[..20]);
        var imported = await Host.PostAsync("v1/products/app/code-batches", new { plan = "ltd", codes = new[] { first, second } }, apiKey);
        Assert.True(imported.Status == HttpStatusCode.Created, imported.Text);
        Assert.Empty(imported.Json.GetProperty("codes").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK,
            (await Host.PostAsync("v1/redeem", new { accountId, code = " " + first.ToLowerInvariant() + " ", email = NewEmail() })).Status);
        // Importing a code the account already holds (same plan) is idempotent: skipped, not refused.
        var again = await Host.PostAsync("v1/products/app/code-batches", new { plan = "ltd", codes = new[] { second } }, apiKey);
        Assert.True(again.Status == HttpStatusCode.Created, again.Text);
        Assert.Equal(0, again.Json.GetProperty("added").GetInt32());
        Assert.Equal(1, again.Json.GetProperty("skipped").GetInt32());
        (await Host.PostAsync("v1/products/app/code-batches", new { plan = "pro", count = 2 }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.PostAsync("v1/products/app/code-batches", new { plan = "ltd" }, apiKey)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Perpetual_licenses_cover_releases_within_their_update_entitlement()
    {
        var apiKey = await AccountWithAsync(new
        {
            name = "Desktop Tool",
            plans = new[] { new { id = "perpetual", model = "perpetual", maxActivations = 2, updatesDays = 365 } },
            releases = new Dictionary<string, string> { ["1.0.0"] = "2020-01-01T00:00:00Z", ["9.0.0"] = "2099-01-01T00:00:00Z" },
        });
        var l = await Host.IssueAsync(apiKey, new { productId = "app", customerEmail = "c@example.com", plan = "perpetual" });
        var lk = l.GetProperty("licenseKey").GetString();
        Assert.Equal(JsonValueKind.Null, l.GetProperty("expiresAt").ValueKind);
        var until = DateTimeOffset.Parse(l.GetProperty("updatesUntil").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        async Task<string> Code(object body) => (await Host.PostAsync("v1/validate", body)).Json.GetProperty("code").GetString()!;
        Assert.Equal("VALID", await Code(new { key = lk, releaseDate = Licensing.Functions.Http.Json.Format(until.AddDays(-1)) }));
        Assert.Equal("UPDATE_NOT_COVERED", await Code(new { key = lk, releaseDate = Licensing.Functions.Http.Json.Format(until.AddDays(1)) }));
        Assert.Equal("VALID", await Code(new { key = lk, version = "1.0.0" }));
        Assert.Equal("UPDATE_NOT_COVERED", await Code(new { key = lk, version = "9.0.0" }));
        Assert.Equal("VALID", await Code(new { key = lk }));
        (await Host.PostAsync("v1/validate", new { key = lk, version = "3.0.0" })).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var renewed = await Host.PostAsync($"v1/licenses/{l.GetProperty("licenseId").GetString()}/renew", new { updatesUntil = "2100-01-01T00:00:00Z" },
            apiKey);
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        Assert.Equal("VALID", await Code(new { key = lk, version = "9.0.0" }));
    }

    [Fact]
    public async Task Usage_is_exact_under_hundreds_of_concurrent_reports_and_limits_validation()
    {
        var apiKey = await AccountWithAsync(new
        {
            name = "API",
            plans = new[] { new { id = "metered", model = "usage", durationDays = 30, usageLimit = 200L } }
        });
        var lk = (await Host.IssueAsync(apiKey,
            new { productId = "app", customerEmail = "c@example.com", plan = "metered" })).GetProperty("licenseKey").GetString();

        // 300 reports: 250 distinct idempotency keys of 1 unit, and 50 retries of keys already sent.
        var reports = Enumerable.Range(0, 250).Select(i => $"req-{i}").Concat(Enumerable.Range(0, 50).Select(i => $"req-{i * 5}")).ToArray();
        var answers = await Task.WhenAll(reports.Select(k => Task.Run(() => Host.PostAsync("v1/usage", new { key = lk, quantity = 1, idempotencyKey = k }))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(250, answers.Count(a => a.Json.GetProperty("recorded").GetBoolean()));
        Assert.Equal(50, answers.Count(a => a.Json.GetProperty("duplicate").GetBoolean()));

        var last = (await Host.PostAsync("v1/usage", new { key = lk, quantity = 1, idempotencyKey = "req-0" })).Json;
        Assert.Equal(250, last.GetProperty("used").GetInt64());
        Assert.Equal(0, last.GetProperty("remaining").GetInt64());
        // A validation may answer from the license cache (bounded at 5 s) until it reads the usage: wait for the verdict, not a clock.
        var v = await WaitForVerdictAsync(lk!, "USAGE_LIMIT_EXCEEDED");
        Assert.Contains("250 of 200", v.GetProperty("detail").GetString());
        (await Host.PostAsync("v1/usage", new { key = lk, quantity = 0, idempotencyKey = "x" })).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        (await Host.PostAsync("v1/usage", new { key = lk, quantity = 1 })).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }
}

/// <summary>Usage resets when the period turns (a host with its own clock).</summary>
public sealed class UsagePeriodTests
{
    [Fact]
    public async Task A_new_period_starts_from_zero()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 1, 31, 23, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(clock: clock, queues: false);
        var (_, apiKey) = await host.CreateAccountAsync();
        await host.PutAsync("v1/products/app",
            new { name = "API", plans = new[] { new { id = "metered", model = "usage", durationDays = 365, usageLimit = 10L } } }, apiKey);
        var lk = (await host.IssueAsync(apiKey,
            new { productId = "app", customerEmail = "c@example.com", plan = "metered" })).GetProperty("licenseKey").GetString();
        var january = (await host.PostAsync("v1/usage", new { key = lk, quantity = 10, idempotencyKey = "jan" })).Json;
        Assert.Equal("2027-02-01T00:00:00Z", january.GetProperty("periodEnd").GetString());
        Assert.Equal("USAGE_LIMIT_EXCEEDED", (await host.PostAsync("v1/validate", new { key = lk })).Json.GetProperty("code").GetString());
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal("VALID", (await host.PostAsync("v1/validate", new { key = lk })).Json.GetProperty("code").GetString());
        Assert.Equal(3, (await host.PostAsync("v1/usage", new { key = lk, quantity = 3, idempotencyKey = "feb" })).Json.GetProperty("used").GetInt64());
    }
}
