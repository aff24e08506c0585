using System.Net;
using Licensing.Tests.Accounts;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>
/// The customer portal's boundaries, over HTTP: another customer's licenses (same seller) and another seller's (same
/// address) are neither shown nor changed; founder credentials are not portal sessions and the reverse; links are single use
/// under concurrency.
/// </summary>
public sealed class PortalSecurityTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        await Smtp4dev.RequireAsync();
        _host = await PortalTestKit.StartAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_customer_never_sees_or_changes_another_customers_licenses_of_the_same_seller()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var alice = PortalTestKit.NewCustomer("alice");
        var bob = PortalTestKit.NewCustomer("bob");
        var alicesLicense = await PortalTestKit.IssueAsync(_host, apiKey, alice, ["alice.example"]);
        var bobsLicense = await PortalTestKit.IssueAsync(_host, apiKey, bob, ["bob.example"]);
        var bobsActivation = (await _host.GetAsync($"v1/licenses/{bobsLicense}", apiKey)).Json.GetProperty("activations")[0].GetProperty("id").GetString();

        var session = await PortalTestKit.SignInAsync(_host, accountId, alice);
        var items = await PortalTestKit.LicensesAsync(_host, accountId, session);
        Assert.Equal([alicesLicense], items.Select(i => i.GetProperty("licenseId").GetString()));

        (await _host.PostAsync($"v1/portal/{accountId}/licenses/{bobsLicense}/deactivate", new { activationId = bobsActivation }, session))
            .AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await _host.PostAsync($"v1/portal/{accountId}/licenses/{bobsLicense}/resend", null, session)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(1, (await _host.GetAsync($"v1/licenses/{bobsLicense}", apiKey)).Json.GetProperty("activationsUsed").GetInt32());

        // A license transferred away (the founder changes its e-mail) leaves the portal at once.
        Assert.Equal(HttpStatusCode.OK, (await _host.SendAsync(HttpMethod.Patch, $"v1/licenses/{alicesLicense}", new { customerEmail = bob }, apiKey)).Status);
        Assert.Empty(await PortalTestKit.LicensesAsync(_host, accountId, session));
    }

    [Fact]
    public async Task The_same_address_at_two_sellers_sees_only_each_sellers_own_licenses()
    {
        var (sellerA, keyA) = await PortalTestKit.SellerAsync(_host);
        var (sellerB, keyB) = await PortalTestKit.SellerAsync(_host);
        var email = PortalTestKit.NewCustomer("both");
        var atA = await PortalTestKit.IssueAsync(_host, keyA, email, ["a.example"]);
        var atB = await PortalTestKit.IssueAsync(_host, keyB, email, ["b.example"]);

        var sessionA = await PortalTestKit.SignInAsync(_host, sellerA, email);
        var sessionB = await PortalTestKit.SignInAsync(_host, sellerB, email);
        Assert.Equal([atA], (await PortalTestKit.LicensesAsync(_host, sellerA, sessionA)).Select(i => i.GetProperty("licenseId").GetString()));
        Assert.Equal([atB], (await PortalTestKit.LicensesAsync(_host, sellerB, sessionB)).Select(i => i.GetProperty("licenseId").GetString()));

        // A's session is nothing at B, and B's license cannot be reached through A's portal.
        (await _host.GetAsync($"v1/portal/{sellerB}/licenses", sessionA)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await _host.PostAsync($"v1/portal/{sellerA}/licenses/{atB}/resend", null, sessionA)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");

        // A link from A's portal opens no session at B (and is used up by the try).
        var (_, _, token) = await PortalTestKit.RequestLinkAsync(_host, sellerA, email, (await Smtp4dev.MessagesToAsync(email)).Select(m => m.Id).ToHashSet());
        (await PortalTestKit.ExchangeAsync(_host, sellerB, token)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await PortalTestKit.ExchangeAsync(_host, sellerA, token)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Founder_credentials_are_not_portal_sessions_and_portal_sessions_are_not_founder_credentials()
    {
        var (founderSession, accountId, _) = await AccountTestKit.SignUpAsync(_host, "portal-founder");
        Assert.Equal(HttpStatusCode.Created, (await _host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, founderSession)).Status);
        var (_, apiKey) = await AccountTestKit.CreateKeyAsync(_host, founderSession, "all", "*");
        var email = PortalTestKit.NewCustomer("creds");
        await PortalTestKit.IssueAsync(_host, apiKey, email, ["creds.example"]);
        var portalSession = await PortalTestKit.SignInAsync(_host, accountId, email);

        foreach (var founder in new[] { founderSession, apiKey, TestHost.AdminKey })
            (await _host.GetAsync($"v1/portal/{accountId}/licenses", founder)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await _host.GetAsync($"v1/portal/{accountId}/licenses")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await _host.GetAsync("v1/licenses", portalSession)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await _host.GetAsync("v1/account", portalSession)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await _host.SendAsync(HttpMethod.Delete, "v1/sessions/current", bearer: portalSession)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        // Still valid: none of the refusals touched it.
        Assert.Single(await PortalTestKit.LicensesAsync(_host, accountId, portalSession));

        // A founder's sign-in link is not a portal link, nor the reverse.
        var seen = (await Smtp4dev.MessagesToAsync(email)).Select(m => m.Id).ToHashSet();
        var (_, _, portalToken) = await PortalTestKit.RequestLinkAsync(_host, accountId, email, seen);
        (await AccountTestKit.ExchangeAsync(_host, portalToken)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(HttpStatusCode.Created, (await PortalTestKit.ExchangeAsync(_host, accountId, portalToken)).Status);
    }

    [Fact]
    public async Task A_portal_link_opens_exactly_one_session_under_concurrency()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var email = PortalTestKit.NewCustomer("race");
        await PortalTestKit.IssueAsync(_host, apiKey, email, ["race.example"]);
        var (_, _, token) = await PortalTestKit.RequestLinkAsync(_host, accountId, email, new HashSet<string>());

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PortalTestKit.ExchangeAsync(_host, accountId, token)));
        Assert.Single(results, r => r.Status == HttpStatusCode.Created);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.Created), r => r.AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED"));
    }

    [Fact]
    public async Task Every_address_gets_the_same_answer_and_only_a_customer_gets_a_link()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var customer = PortalTestKit.NewCustomer("known");
        var stranger = PortalTestKit.NewCustomer("stranger");
        await PortalTestKit.IssueAsync(_host, apiKey, customer, ["known.example"]);

        var toStranger = await _host.PostAsync($"v1/portal/{accountId}/signin", new { email = stranger });
        var toUnknownSeller = await _host.PostAsync("v1/portal/acct_0000000000000000/signin", new { email = customer });
        Assert.Equal(HttpStatusCode.Accepted, toStranger.Status);
        Assert.Equal(toStranger.Text, toUnknownSeller.Text);
        // The stranger asked first: by the time the customer's link is in, the stranger's request has been taken off the queue.
        await PortalTestKit.RequestLinkAsync(_host, accountId, customer, new HashSet<string>());
        Assert.Empty(await Smtp4dev.MessagesToAsync(stranger));
    }
}
