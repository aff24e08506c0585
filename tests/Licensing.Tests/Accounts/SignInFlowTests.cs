using System.Net;
using Licensing.Domain.Accounts;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Accounts;

/// <summary>Sign-up and sign-in by e-mail link, over HTTP on the local host, with the links read from smtp4dev.</summary>
public sealed class SignInFlowTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        await Smtp4dev.RequireAsync();
        _host = await AccountTestKit.StartAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Sign_up_link_makes_a_free_account_whose_session_creates_scoped_keys_and_signs_out()
    {
        var address = AccountTestKit.NewAddress("signup");
        var accepted = await _host.PostAsync("v1/signup", new { email = address, name = "Acme Plugins" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var (text, token) = await AccountTestKit.NextLinkAsync(address, new HashSet<string>());
        Assert.Contains("http://127.0.0.1:7071/signin?token=" + token, text);

        var exchanged = await AccountTestKit.ExchangeAsync(_host, token);
        Assert.Equal(HttpStatusCode.Created, exchanged.Status);
        var session = exchanged.Json.GetProperty("sessionToken").GetString()!;
        Assert.StartsWith(SessionTokens.Prefix, session);
        var accountId = exchanged.Json.GetProperty("accountId").GetString()!;
        var expiresAt = exchanged.Json.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24));

        // The session is a credential with every scope, on a new account on the free tier.
        var account = await _host.GetAsync("v1/account", session);
        Assert.Equal(HttpStatusCode.OK, account.Status);
        Assert.Equal(accountId, account.Json.GetProperty("accountId").GetString());
        Assert.Equal("free", account.Json.GetProperty("tier").GetString());
        Assert.Equal(HttpStatusCode.Created, (await _host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, session)).Status);

        // A key with licenses:read only: reads, and is refused the write.
        var (keyId, readKey) = await AccountTestKit.CreateKeyAsync(_host, session, "read only", Scopes.LicensesRead);
        Assert.StartsWith(ApiKeys.LivePrefix, readKey);
        Assert.Equal(HttpStatusCode.OK, (await _host.GetAsync("v1/licenses", readKey)).Status);
        var issue = new { productId = "my-plugin", customerEmail = "customer@example.com", plan = "pro" };
        (await _host.PostAsync("v1/licenses", issue, readKey)).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.Created, (await _host.PostAsync("v1/licenses", issue, session)).Status);

        // Revoked: refused at once.
        Assert.Equal(HttpStatusCode.NoContent, (await _host.SendAsync(HttpMethod.Delete, $"v1/api-keys/{keyId}", bearer: session)).Status);
        (await _host.GetAsync("v1/licenses", readKey)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        // An API key cannot end a session; the session ends itself and stops working at once.
        var (_, wide) = await AccountTestKit.CreateKeyAsync(_host, session, "everything", Scopes.All);
        (await _host.SendAsync(HttpMethod.Delete, "v1/sessions/current", bearer: wide)).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.NoContent, (await _host.SendAsync(HttpMethod.Delete, "v1/sessions/current", bearer: session)).Status);
        (await _host.GetAsync("v1/licenses", session)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await _host.SendAsync(HttpMethod.Delete, "v1/sessions/current", bearer: session)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(HttpStatusCode.OK, (await _host.GetAsync("v1/licenses", wide)).Status);
    }

    [Fact]
    public async Task A_token_works_once_and_a_sign_in_link_opens_the_same_account()
    {
        var (_, accountId, address) = await AccountTestKit.SignUpAsync(_host);
        var seen = new HashSet<string>((await Smtp4dev.MessagesToAsync(address)).Select(m => m.Id));

        Assert.Equal(HttpStatusCode.Accepted, (await _host.PostAsync("v1/signin", new { email = address.ToUpperInvariant() })).Status);
        var (text, token) = await AccountTestKit.NextLinkAsync(address, seen);
        Assert.Contains("sign in", text);
        var first = await AccountTestKit.ExchangeAsync(_host, token);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(accountId, first.Json.GetProperty("accountId").GetString());
        (await AccountTestKit.ExchangeAsync(_host, token)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        // Signing up again with an address that owns an account e-mails a sign-in link to that account: no second account.
        Assert.Equal(HttpStatusCode.Accepted, (await _host.PostAsync("v1/signup", new { email = address, name = "Another" })).Status);
        var (_, again) = await AccountTestKit.NextLinkAsync(address, seen);
        Assert.Equal(accountId, (await AccountTestKit.ExchangeAsync(_host, again)).Json.GetProperty("accountId").GetString());

        foreach (var bad in new[] { "lsi_unknown", "lss_not-a-sign-in-token", "x" })
            (await AccountTestKit.ExchangeAsync(_host, bad)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var missing = (await _host.PostAsync("v1/sessions", new { })).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(missing.GetProperty("errors").TryGetProperty("token", out _));
    }

    [Fact]
    public async Task Concurrent_exchanges_of_one_token_make_exactly_one_session()
    {
        var address = AccountTestKit.NewAddress("race");
        await _host.PostAsync("v1/signup", new { email = address, name = "Race" });
        var (_, token) = await AccountTestKit.NextLinkAsync(address, new HashSet<string>());
        await using var other = await AccountTestKit.StartAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => AccountTestKit.ExchangeAsync(i % 2 == 0 ? _host : other, token)));
        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.Equal(11, answers.Count(a => a.Status == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task A_token_expires_after_15_minutes()
    {
        // This host's clock moves ahead: it leaves the queues to the others (the tokens are made on real time).
        var clock = new TestClock();
        await using var host = await AccountTestKit.StartAsync(clock, queues: false);
        var address = AccountTestKit.NewAddress("expiry");
        var seen = new HashSet<string>();
        await host.PostAsync("v1/signup", new { email = address, name = "In time" });
        var (_, inTime) = await AccountTestKit.NextLinkAsync(address, seen);
        await host.PostAsync("v1/signup", new { email = address, name = "Late" });
        var (_, late) = await AccountTestKit.NextLinkAsync(address, seen);

        clock.Advance(TimeSpan.FromMinutes(14));
        var session = await AccountTestKit.ExchangeAsync(host, inTime);
        Assert.Equal(HttpStatusCode.Created, session.Status);
        clock.Advance(TimeSpan.FromMinutes(2));
        (await AccountTestKit.ExchangeAsync(host, late)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        // The session itself lasts 24 hours.
        var sessionToken = session.Json.GetProperty("sessionToken").GetString();
        Assert.Equal(session.Json.GetProperty("expiresAt").GetDateTimeOffset(), clock.GetUtcNow().AddMinutes(-2).AddHours(24), TimeSpan.FromMilliseconds(1));
        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(3));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v1/licenses", sessionToken)).Status);
        clock.Advance(TimeSpan.FromMinutes(1));
        (await host.GetAsync("v1/licenses", sessionToken)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Known_and_unknown_addresses_get_byte_identical_answers_and_only_owners_get_a_sign_in_link()
    {
        var known = AccountTestKit.NewAddress("known");
        Assert.Equal(HttpStatusCode.Created,
            (await _host.PostAsync("v1/accounts", new { name = "Known", email = known }, TestHost.AdminKey)).Status);
        var unknown = AccountTestKit.NewAddress("unknown");

        foreach (var route in new[] { "v1/signin", "v1/signup" })
        {
            var a = await _host.PostAsync(route, new { email = known, name = "N" });
            var b = await _host.PostAsync(route, new { email = unknown, name = "N" });
            Assert.Equal(HttpStatusCode.Accepted, a.Status);
            Assert.Equal(a.Status, b.Status);
            Assert.Equal(a.Text, b.Text);
            Assert.Equal(a.MediaType, b.MediaType);
            Assert.Equal(a.Headers.Select(h => h.Key).Order(), b.Headers.Select(h => h.Key).Order());
        }

        // The owner got two sign-in links (sign-in, and sign-up of a known address); the unknown address one sign-up link.
        var seenKnown = new HashSet<string>();
        var (knownText, _) = await AccountTestKit.NextLinkAsync(known, seenKnown);
        await AccountTestKit.NextLinkAsync(known, seenKnown);
        Assert.Contains("sign in", knownText);
        var (unknownText, _) = await AccountTestKit.NextLinkAsync(unknown, new HashSet<string>());
        Assert.Contains("create your account", unknownText);

        // What the background does for a sign-in of an address without an account: nothing is sent.
        var signIn = _host.Services.GetRequiredService<SignInService>();
        Assert.StartsWith("no account", await signIn.ProcessAsync(SignInService.ParseSignIn(AccountTestKit.NewAddress("nobody")), default));
    }

    [Fact]
    public async Task A_request_processed_twice_is_e_mailed_once()
    {
        var signIn = _host.Services.GetRequiredService<SignInService>();
        var request = SignInService.ParseSignUp(AccountTestKit.NewAddress("twice"), "Twice") with { RequestId = "req_" + Guid.NewGuid().ToString("N")[..16] };
        await signIn.ProcessAsync(request, default);
        await signIn.ProcessAsync(request, default);
        var outbox = new Azure.Data.Tables.TableClient(TestHost.Azurite, "emailoutbox");
        var rows = outbox.Query<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == SignInService.SignUpOutbox && e.RowKey == "signup-" + request.RequestId)
            .ToArray();
        Assert.Single(rows);
        // The link waits sealed: the token is not in the table.
        Assert.True(rows[0].GetBoolean("Sealed"));
        Assert.DoesNotContain("lsi_", rows[0].GetString("Text"));
        Assert.DoesNotContain("lsi_", rows[0].GetString("Html"));
        var (text, _) = await AccountTestKit.NextLinkAsync(request.Email, new HashSet<string>());
        Assert.Contains("create your account", text);
    }

    [Theory]
    [InlineData("v1/signup", "{\"email\":\"not-an-address\",\"name\":\"A\"}", "email")]
    [InlineData("v1/signup", "{\"email\":\"a@example.com\"}", "name")]
    [InlineData("v1/signin", "{\"email\":5}", "email")]
    [InlineData("v1/signin", "{}", "email")]
    public async Task Malformed_requests_are_validation_problems(string route, string body, string field)
    {
        var json = (await _host.SendAsync(HttpMethod.Post, route, rawBody: body)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
    }
}
