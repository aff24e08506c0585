using System.Net;
using System.Text.Json;
using Licensing.Domain.Common;
using Licensing.Tests.Support;
using static Licensing.Tests.Trials.TrialSeller;

namespace Licensing.Tests.Trials;

/// <summary><c>POST /v1/trials</c> over HTTP on the local host: the trial license, its e-mail, its certificate, one trial per e-mail and per site.</summary>
public sealed class TrialApiTests(TrialHost shared, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TrialHost>
{
    private TestHost Host => shared.Host;
    private static readonly TimeSpan Patience = Support.Patience.Bound;

    private static JsonElement Claims(string jws) => JsonDocument.Parse(Base64Url.Decode(jws.Split('.')[1])).RootElement;

    [Fact]
    public async Task A_plan_keeps_its_trial_days_and_refuses_days_outside_1_to_365()
    {
        var (_, apiKey) = await CreateAsync(Host);
        var plans = (await Host.GetAsync("v1/products/my-plugin", apiKey)).Json.GetProperty("plans").EnumerateArray().ToArray();
        Assert.Equal(14, plans[0].GetProperty("trialDays").GetInt32());
        Assert.Equal(JsonValueKind.Null, plans[1].GetProperty("trialDays").ValueKind);

        foreach (var days in new[] { 0, 366, -1 })
        {
            var r = await Host.PutAsync("v1/products/my-plugin", new
            {
                name = "My Plugin",
                plans = new object[] { new { id = "pro", model = "subscription", durationDays = 365, trialDays = days } },
            }, apiKey);
            var problem = r.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.True(problem.GetProperty("errors").TryGetProperty("plans[0].trialDays", out _), r.Text);
        }
        // Nothing changed.
        Assert.Equal(14, (await Host.GetAsync("v1/products/my-plugin", apiKey)).Json.GetProperty("plans")[0].GetProperty("trialDays").GetInt32());
    }

    [Fact]
    public async Task A_trial_is_a_license_marked_trial_bound_to_its_site_e_mailed_and_certified_as_a_trial()
    {
        await Smtp4dev.RequireAsync();
        var (accountId, apiKey) = await CreateAsync(Host);
        var email = NewEmail();
        var host = NewDomain();
        var before = DateTimeOffset.UtcNow;
        var r = await Host.PostAsync("v1/trials", Request(accountId, email, domain: $"https://www.{host.ToUpperInvariant()}:8443/wp-admin/"));
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        var licenseId = r.Json.GetProperty("licenseId").GetString()!;
        var key = r.Json.GetProperty("licenseKey").GetString()!;
        var expiresAt = r.Json.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddDays(14).AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(14).AddSeconds(1));

        var license = (await Host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json;
        Assert.True(license.GetProperty("trial").GetBoolean());
        Assert.Equal(key, license.GetProperty("licenseKey").GetString());
        Assert.Equal("pro", license.GetProperty("plan").GetString());
        Assert.Equal([host], license.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(3, license.GetProperty("maxActivations").GetInt32());

        var message = Assert.Single(await Smtp4dev.WaitForAsync(email, 1, Patience));
        Assert.Equal("Your My Plugin trial key", message.Subject);
        Assert.Contains(key, await Smtp4dev.PlainTextAsync(message.Id));

        var v = await Host.PostOkAsync("v1/validate", new { key, domain = host });
        Assert.Equal("VALID", v.GetProperty("code").GetString());
        Assert.True(v.GetProperty("license").GetProperty("trial").GetBoolean());
        var claims = Claims(v.GetProperty("certificate").GetString()!);
        Assert.True(claims.GetProperty("trial").GetBoolean());
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), claims.GetProperty("lexp").GetInt64());

        // A license issued by the account API is no trial, and its certificate says nothing of one.
        var paid = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = NewEmail(), plan = "pro" });
        Assert.False(paid.GetProperty("trial").GetBoolean());
        var paidVerdict = await Host.PostOkAsync("v1/validate", new { key = paid.GetProperty("licenseKey").GetString(), domain = NewDomain() });
        Assert.False(paidVerdict.GetProperty("license").GetProperty("trial").GetBoolean());
        Assert.False(Claims(paidVerdict.GetProperty("certificate").GetString()!).TryGetProperty("trial", out _));
    }

    [Fact]
    public async Task A_fingerprint_trial_is_activated_on_that_machine()
    {
        var (accountId, apiKey) = await CreateAsync(Host);
        var r = await Host.PostAsync("v1/trials", Request(accountId, NewEmail(), fingerprint: "machine-42"));
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        var license = (await Host.GetAsync($"v1/licenses/{r.Json.GetProperty("licenseId").GetString()}", apiKey)).Json;
        Assert.Equal("machine-42", Assert.Single(license.GetProperty("activations").EnumerateArray()).GetProperty("fingerprint").GetString());
        var v = await Host.PostOkAsync("v1/validate", new { key = r.Json.GetProperty("licenseKey").GetString(), fingerprint = "machine-42" });
        Assert.Equal("VALID", v.GetProperty("code").GetString());
        Assert.True(Claims(v.GetProperty("certificate").GetString()!).GetProperty("trial").GetBoolean());
    }

    [Fact]
    public async Task One_trial_per_product_and_e_mail_and_per_product_and_site_or_device_then_409()
    {
        var (accountId, apiKey) = await CreateAsync(Host);
        var email = NewEmail();
        var domain = NewDomain();
        Assert.Equal(HttpStatusCode.Created, (await Host.PostAsync("v1/trials", Request(accountId, email, domain: domain))).Status);

        // The same address, written differently, on another site; another plan of the same product.
        (await Host.PostAsync("v1/trials", Request(accountId, email.ToUpperInvariant(), domain: NewDomain())))
            .AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        (await Host.PostAsync("v1/trials", Request(accountId, email, domain: NewDomain(), plan: "lifetime")))
            .AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        // The same site, normalised as every binding is, for another address.
        (await Host.PostAsync("v1/trials", Request(accountId, NewEmail(), domain: $"http://WWW.{domain}./pricing")))
            .AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        // The same machine twice.
        Assert.Equal(HttpStatusCode.Created, (await Host.PostAsync("v1/trials", Request(accountId, NewEmail(), fingerprint: "fp-" + domain))).Status);
        (await Host.PostAsync("v1/trials", Request(accountId, NewEmail(), fingerprint: "fp-" + domain))).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(2, TestHost.StoredLicenseCount(accountId));

        // Another product of the same account is another trial.
        var other = await Host.PutAsync("v1/products/other-app", Product, apiKey);
        Assert.Equal(HttpStatusCode.Created, other.Status);
        Assert.Equal(HttpStatusCode.Created, (await Host.PostAsync("v1/trials", Request(accountId, email, domain: domain, productId: "other-app"))).Status);
    }

    [Fact]
    public async Task Ten_concurrent_trials_for_one_e_mail_or_one_site_make_exactly_one_license()
    {
        await Smtp4dev.RequireAsync();
        var (accountId, _) = await CreateAsync(Host);
        var email = NewEmail();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var sameEmail = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Host.PostAsync("v1/trials", Request(accountId, email, domain: NewDomain()))));
        var sameEmailMs = stopwatch.Elapsed.TotalMilliseconds;
        var domain = NewDomain();
        var emails = Enumerable.Range(0, 10).Select(_ => NewEmail()).ToArray();
        stopwatch.Restart();
        var sameSite = await Task.WhenAll(emails.Select(e => Host.PostAsync("v1/trials", Request(accountId, e, domain: domain))));
        output.WriteLine($"10 concurrent trials, one e-mail: all answered in {sameEmailMs:F0} ms; one site: {stopwatch.Elapsed.TotalMilliseconds:F0} ms");

        foreach (var answers in new[] { sameEmail, sameSite })
        {
            Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
            Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => a.AssertProblem(HttpStatusCode.Conflict, "CONFLICT"));
        }
        Assert.Equal(2, TestHost.StoredLicenseCount(accountId));
        var winner = emails.Single(e => sameSite[Array.IndexOf(emails, e)].Status == HttpStatusCode.Created);
        Assert.Single(await Smtp4dev.WaitForAsync(email, 1, Patience));
        Assert.Single(await Smtp4dev.WaitForAsync(winner, 1, Patience));
    }

    [Fact]
    public async Task Unknown_account_product_or_plan_and_a_plan_without_trial_answer_the_same_404()
    {
        var (accountId, _) = await CreateAsync(Host);
        var unknownAccount = Ids.NewAccountId();
        var answers = new[]
        {
            await Host.PostAsync("v1/trials", Request(unknownAccount, NewEmail(), domain: NewDomain())),
            await Host.PostAsync("v1/trials", Request(accountId, NewEmail(), domain: NewDomain(), productId: "no-such-product")),
            await Host.PostAsync("v1/trials", Request(accountId, NewEmail(), domain: NewDomain(), plan: "no-such-plan")),
            await Host.PostAsync("v1/trials", Request(accountId, NewEmail(), domain: NewDomain(), plan: "business")),
        };
        var details = answers.Select(a => a.AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND").GetProperty("detail").GetString()).Distinct();
        Assert.Single(details);
        Assert.Equal(0, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task Bad_input_is_a_validation_problem_naming_the_field_and_takes_no_claim()
    {
        var (accountId, apiKey) = await CreateAsync(Host);
        var email = NewEmail();
        var domain = NewDomain();
        var cases = new (object Body, string Field)[]
        {
            (new { productId = "my-plugin", plan = "pro", customerEmail = email, domain }, "accountId"),
            (new { accountId, productId = "My Plugin", plan = "pro", customerEmail = email, domain }, "productId"),
            (new { accountId, productId = "my-plugin", customerEmail = email, domain }, "plan"),
            (new { accountId, productId = "my-plugin", plan = "pro", customerEmail = "not an address", domain }, "customerEmail"),
            (new { accountId, productId = "my-plugin", plan = "pro", customerEmail = email }, "domain"),
            (new { accountId, productId = "my-plugin", plan = "pro", customerEmail = email, domain, fingerprint = "fp" }, "domain"),
            (new { accountId, productId = "my-plugin", plan = "pro", customerEmail = email, domain = "*." + domain }, "domain"),
            (new { accountId, productId = "my-plugin", plan = "pro", customerEmail = email, domain = "not a host!" }, "domain"),
            (new { accountId, productId = "my-plugin", plan = "pro", customerEmail = email, domain = "localhost" }, "domain"),
            (new { accountId, productId = "my-plugin", plan = "pro", customerEmail = email, fingerprint = new string('x', 300) }, "fingerprint"),
        };
        foreach (var (body, field) in cases)
        {
            var r = await Host.PostAsync("v1/trials", body);
            var problem = r.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {r.Text}");
        }
        (await Host.SendAsync(HttpMethod.Post, "v1/trials", rawBody: "{\"accountId\":")).AssertProblem(HttpStatusCode.BadRequest, "INVALID_JSON");
        var noSlots = await Host.PutAsync("v1/products/no-slots", new
        {
            name = "No slots",
            plans = new object[] { new { id = "pro", model = "subscription", durationDays = 30, maxActivations = 0, trialDays = 7 } },
        }, apiKey);
        Assert.Equal(HttpStatusCode.Created, noSlots.Status);
        var refused = await Host.PostAsync("v1/trials", Request(accountId, email, domain: domain, productId: "no-slots"));
        Assert.True(refused.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED").GetProperty("errors").TryGetProperty("plan", out _), refused.Text);
        Assert.Equal(0, TestHost.StoredLicenseCount(accountId));

        // Nothing was claimed: the same e-mail and site still start their trial.
        Assert.Equal(HttpStatusCode.Created, (await Host.PostAsync("v1/trials", Request(accountId, email, domain: domain))).Status);
    }
}
