using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Licensing.Domain.Quotas;
using Licensing.Tests.Support;

namespace Licensing.Tests.Licenses;

/// <summary>
/// <c>POST /v1/licenses</c> with an <c>Idempotency-Key</c>: a retry answers the first response and creates nothing, a
/// twin creates nothing, a crash at any point is finished by the retry, and the account's license count stays exact.
/// </summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(clock: _clock, services: Faults.UseLicenseFaults, queues: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(string AccountId, string ApiKey)> AccountAsync(string tier = "pro")
    {
        var account = await _host.CreateAccountAsync(tier: tier);
        Assert.Equal(HttpStatusCode.Created, (await _host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, account.ApiKey)).Status);
        return account;
    }

    private static object Body(string email, string orderId = "A-1") =>
        new
        {
            productId = "my-plugin",
            customerEmail = email,
            domains = new[] { "customer-site.com" },
            plan = "pro",
            metadata = new Dictionary<string, string> { ["orderId"] = orderId, ["channel"] = "web" }
        };

    private static string NewEmail() => $"idem-{Guid.NewGuid():N}@example.com";

    private async Task<ApiResponse> IssueAsync(string apiKey, string? key, object? body = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/licenses")
        {
            Content = new StringContent(rawBody ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (key is not null) Assert.True(request.Headers.TryAddWithoutValidation("Idempotency-Key", key));
        using var response = await _host.Http.SendAsync(request);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers,
            response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<int> LicensesIssuedAsync(string apiKey) =>
        (await _host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt32();

    private static string Id(ApiResponse r) => r.Json.GetProperty("licenseId").GetString()!;

    [Fact]
    public async Task A_retry_with_the_same_key_and_body_answers_the_first_response_and_creates_nothing()
    {
        var (accountId, apiKey) = await AccountAsync();
        var email = NewEmail();
        var first = await IssueAsync(apiKey, "order-A-1", Body(email));
        Assert.True(first.Status == HttpStatusCode.Created, first.Text);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var retry = await IssueAsync(apiKey, "order-A-1", Body(email));
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.Equal(first.Text, retry.Text); // same body: same licenseId, same licenseKey
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        // The same request written differently (field order, spacing, unknown fields) is the same request.
        var reordered = """{ "plan":"pro", "unknown": 1, "metadata": {"channel":"web","orderId":"A-1"}, "domains":["customer-site.com"],"""
            + $$""" "customerEmail":"{{email}}", "productId":"my-plugin" }""";
        Assert.Equal(first.Text, (await IssueAsync(apiKey, "order-A-1", rawBody: reordered)).Text);

        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(1, await LicensesIssuedAsync(apiKey));

        // Keys are per account: another account's identical key and body is a request of its own.
        var (otherId, otherKey) = await AccountAsync();
        var other = await IssueAsync(otherKey, "order-A-1", Body(email));
        Assert.Equal(HttpStatusCode.Created, other.Status);
        Assert.NotEqual(Id(first), Id(other));
        Assert.Equal(1, TestHost.StoredLicenseCount(otherId));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_a_conflict_and_creates_nothing()
    {
        var (accountId, apiKey) = await AccountAsync();
        var email = NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(apiKey, "k-1", Body(email))).Status);
        (await IssueAsync(apiKey, "k-1", Body(email, orderId: "A-2"))).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        (await IssueAsync(apiKey, "k-1", Body(NewEmail()))).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(1, await LicensesIssuedAsync(apiKey));

        // After the retention the key may carry another request.
        _clock.Advance(Licensing.Domain.Licenses.IdempotentIssuance.Retention + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(apiKey, "k-1", Body(email, orderId: "A-2"))).Status);
        Assert.Equal(2, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task Malformed_keys_are_refused_naming_the_header_and_bad_input_leaves_the_key_free()
    {
        var (accountId, apiKey) = await AccountAsync();
        foreach (var key in new[] { new string('k', 256), "", "tab\tinside" })
        {
            var problem = (await IssueAsync(apiKey, key, Body(NewEmail()))).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), problem.ToString());
        }
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(apiKey, new string('k', 255), Body(NewEmail()))).Status);

        var email = NewEmail();
        (await IssueAsync(apiKey, "fix-me", new { productId = "my-plugin", customerEmail = email, plan = "no-such-plan" }))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(apiKey, "fix-me", Body(email))).Status);
        Assert.Equal(2, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task Ten_identical_requests_at_once_create_one_license_counted_once()
    {
        var (accountId, apiKey) = await AccountAsync();
        var email = NewEmail();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => IssueAsync(apiKey, "burst-1", Body(email)))));
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Text));
        Assert.Single(answers.Select(a => (Id(a), a.Json.GetProperty("licenseKey").GetString())).Distinct());
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(1, await LicensesIssuedAsync(apiKey));
    }

    [Theory]
    [InlineData(Faults.LicenseCrash.AfterWrite)]
    [InlineData(Faults.LicenseCrash.BeforeWrite)]
    public async Task A_crash_during_issuance_is_finished_by_the_retry_with_one_license_counted_once(Faults.LicenseCrash when)
    {
        var (accountId, apiKey) = await AccountAsync();
        var email = NewEmail();
        Faults.CrashLicenseWriteOnce(email, when);
        var crashed = await IssueAsync(apiKey, "crash-1", Body(email));
        Assert.Equal(HttpStatusCode.InternalServerError, crashed.Status); // the client never saw a 201
        Assert.Equal(when == Faults.LicenseCrash.AfterWrite ? 1 : 0, TestHost.StoredLicenseCount(accountId));

        var retry = await IssueAsync(apiKey, "crash-1", Body(email));
        Assert.True(retry.Status == HttpStatusCode.Created, retry.Text);
        Assert.Equal(retry.Text, (await IssueAsync(apiKey, "crash-1", Body(email))).Text);
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(1, await LicensesIssuedAsync(apiKey));
    }

    [Fact]
    public async Task At_the_limit_a_counted_retry_still_issues_and_counts_left_by_crashes_never_retried_are_given_back()
    {
        var (accountId, apiKey) = await AccountAsync(tier: "free"); // five licenses
        var (keyed, orphan, unanswered) = (NewEmail(), NewEmail(), NewEmail());
        Faults.CrashLicenseWriteOnce(keyed, Faults.LicenseCrash.BeforeWrite);
        Assert.Equal(HttpStatusCode.InternalServerError, (await IssueAsync(apiKey, "keyed-1", Body(keyed))).Status);
        Faults.CrashLicenseWriteOnce(orphan, Faults.LicenseCrash.BeforeWrite);
        Assert.Equal(HttpStatusCode.InternalServerError, (await IssueAsync(apiKey, null, Body(orphan))).Status); // never retried
        Faults.CrashLicenseWriteOnce(unanswered, Faults.LicenseCrash.AfterWrite);
        Assert.Equal(HttpStatusCode.InternalServerError, (await IssueAsync(apiKey, null, Body(unanswered))).Status); // written, never settled
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Created, (await IssueAsync(apiKey, null, Body(NewEmail()))).Status);
        Assert.Equal(3, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(5, await LicensesIssuedAsync(apiKey)); // three licenses, and two issuances that may still be in flight
        (await IssueAsync(apiKey, null, Body(NewEmail()))).AssertProblem(HttpStatusCode.Forbidden, "QUOTA_EXCEEDED");

        // The keyed issuance was counted before it crashed: its retry finishes it at the limit, counting nothing.
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(apiKey, "keyed-1", Body(keyed))).Status);
        Assert.Equal(4, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(5, await LicensesIssuedAsync(apiKey));

        // Once the orphan cannot be in flight any more, the refusal path gives its count back (and only its).
        _clock.Advance(LicenseQuota.InFlight + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(apiKey, null, Body(NewEmail()))).Status);
        Assert.Equal(5, TestHost.StoredLicenseCount(accountId));
        Assert.Equal(5, await LicensesIssuedAsync(apiKey));
        (await IssueAsync(apiKey, null, Body(NewEmail()))).AssertProblem(HttpStatusCode.Forbidden, "QUOTA_EXCEEDED");
        Assert.Equal(5, TestHost.StoredLicenseCount(accountId));
    }
}
