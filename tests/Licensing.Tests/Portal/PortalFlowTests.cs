using System.Net;
using Licensing.Domain.Portal;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>The customer portal over HTTP: sign-in by link, the customer's licenses, deactivation within the cap, key resend, erasure.</summary>
public sealed class PortalFlowTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        await Smtp4dev.RequireAsync();
        _host = await PortalTestKit.StartAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Customer_signs_in_by_link_sees_their_license_and_a_deactivation_frees_a_slot_the_founder_sees()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var email = PortalTestKit.NewCustomer("flow");
        var licenseId = await PortalTestKit.IssueAsync(_host, apiKey, email, ["first-site.example", "second-site.example"]);

        var (link, _, token) = await PortalTestKit.RequestLinkAsync(_host, accountId, email, new HashSet<string>());
        Assert.StartsWith($"http://127.0.0.1:7071/portal/{accountId}/signin?token=", link);
        var exchanged = await PortalTestKit.ExchangeAsync(_host, accountId, token);
        Assert.Equal(HttpStatusCode.Created, exchanged.Status);
        var session = exchanged.Json.GetProperty("sessionToken").GetString()!;
        Assert.StartsWith(PortalTokens.SessionPrefix, session);
        Assert.Equal(accountId, exchanged.Json.GetProperty("accountId").GetString());
        Assert.InRange(exchanged.Json.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromHours(1));

        var founderView = (await _host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json;
        var items = await PortalTestKit.LicensesAsync(_host, accountId, session);
        var license = Assert.Single(items);
        Assert.Equal(licenseId, license.GetProperty("licenseId").GetString());
        Assert.Equal(founderView.GetProperty("licenseKey").GetString(), license.GetProperty("licenseKey").GetString());
        Assert.Equal("pro", license.GetProperty("plan").GetString());
        Assert.Equal("Pro", license.GetProperty("planName").GetString());
        Assert.Equal("My Plugin", license.GetProperty("productName").GetString());
        Assert.Equal("active", license.GetProperty("status").GetString());
        Assert.Equal(founderView.GetProperty("expiresAt").GetDateTimeOffset(), license.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(2, license.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(3, license.GetProperty("maxActivations").GetInt32());
        Assert.Equal(5, license.GetProperty("deactivationsRemaining").GetInt32());
        var first = license.GetProperty("activations").EnumerateArray().Single(a => a.GetProperty("domain").GetString() == "first-site.example");

        var r = await _host.PostAsync($"v1/portal/{accountId}/licenses/{licenseId}/deactivate", new { activationId = first.GetProperty("id").GetString() },
            session);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        Assert.True(r.Json.GetProperty("deactivated").GetBoolean());
        Assert.Equal(1, r.Json.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(4, r.Json.GetProperty("deactivationsRemaining").GetInt32());
        Assert.Equal(4, Assert.Single(await PortalTestKit.LicensesAsync(_host, accountId, session)).GetProperty("deactivationsRemaining").GetInt32());

        // The founder's view (through the API) shows the freed slot, and the audit log names the customer's session as the actor.
        founderView = (await _host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json;
        Assert.Equal(1, founderView.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(["second-site.example"], founderView.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        var audit = await WaitForAuditAsync(apiKey, licenseId, "activation.deleted");
        Assert.Equal("customer", audit.GetProperty("actor").GetProperty("type").GetString());
        Assert.StartsWith(PortalTokens.SessionIdPrefix, audit.GetProperty("actor").GetProperty("id").GetString());

        // The session ends itself.
        Assert.Equal(HttpStatusCode.NoContent, (await _host.SendAsync(HttpMethod.Delete, $"v1/portal/{accountId}/sessions/current", bearer: session)).Status);
        (await _host.GetAsync($"v1/portal/{accountId}/licenses", session)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Deactivations_past_the_plans_cap_are_refused_and_say_none_remain()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var product = new
        {
            name = "Capped",
            plans = new[] { new { id = "pro", name = "Pro", model = "subscription", durationDays = 365, maxActivations = 3, maxDeactivationsPer30Days = 1 } },
        };
        Assert.Equal(HttpStatusCode.OK, (await _host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        var email = PortalTestKit.NewCustomer("cap");
        var licenseId = await PortalTestKit.IssueAsync(_host, apiKey, email, ["one.example", "two.example"]);
        var session = await PortalTestKit.SignInAsync(_host, accountId, email);
        var ids = Assert.Single(await PortalTestKit.LicensesAsync(_host, accountId, session)).GetProperty("activations").EnumerateArray()
            .Select(a => a.GetProperty("id").GetString()).ToArray();

        var ok = await _host.PostAsync($"v1/portal/{accountId}/licenses/{licenseId}/deactivate", new { activationId = ids[0] }, session);
        Assert.True(ok.Json.GetProperty("deactivated").GetBoolean(), ok.Text);
        Assert.Equal(0, ok.Json.GetProperty("deactivationsRemaining").GetInt32());
        var refused = await _host.PostAsync($"v1/portal/{accountId}/licenses/{licenseId}/deactivate", new { activationId = ids[1] }, session);
        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.False(refused.Json.GetProperty("deactivated").GetBoolean());
        Assert.Equal("DEACTIVATION_LIMIT_REACHED", refused.Json.GetProperty("code").GetString());
        Assert.Equal(1, refused.Json.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(1, (await _host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json.GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task Resend_e_mails_the_key_to_the_customer_and_bad_input_changes_nothing()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var email = PortalTestKit.NewCustomer("resend");
        var licenseId = await PortalTestKit.IssueAsync(_host, apiKey, email, ["resend.example"]);
        var key = (await _host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json.GetProperty("licenseKey").GetString()!;
        var session = await PortalTestKit.SignInAsync(_host, accountId, email);

        Assert.Contains(key, await PortalTestKit.ResendAsync(_host, accountId, licenseId, email, session));

        var bad = (await _host.PostAsync($"v1/portal/{accountId}/signin", new { email = "not-an-address" }))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(bad.GetProperty("errors").TryGetProperty("email", out _));
        var missing = (await _host.PostAsync($"v1/portal/{accountId}/licenses/{licenseId}/deactivate", new { }, session))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(missing.GetProperty("errors").TryGetProperty("activationId", out _));
        (await _host.PostAsync($"v1/portal/{accountId}/licenses/{licenseId}/deactivate", new { activationId = "nope" }, session))
            .AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await _host.PostAsync("v1/portal/not-an-account/signin", new { email })).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await _host.PostAsync($"v1/portal/{accountId}/sessions", new { })).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(1, (await _host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json.GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task A_short_key_products_license_is_listed_and_resent_with_its_short_key()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var product = new
        {
            name = "My Plugin",
            keyFormat = "short",
            plans = new[] { new { id = "pro", name = "Pro", model = "subscription", durationDays = 365, maxActivations = 3 } },
        };
        Assert.Equal(HttpStatusCode.OK, (await _host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        var email = PortalTestKit.NewCustomer("short");
        var licenseId = await PortalTestKit.IssueAsync(_host, apiKey, email, ["short.example"]);
        var key = (await _host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json.GetProperty("licenseKey").GetString()!;
        Assert.True(Licensing.Domain.Signing.ShortKey.HasShape(key), key);
        var session = await PortalTestKit.SignInAsync(_host, accountId, email);

        Assert.Equal(key, Assert.Single(await PortalTestKit.LicensesAsync(_host, accountId, session)).GetProperty("licenseKey").GetString());
        Assert.Contains(key, await PortalTestKit.ResendAsync(_host, accountId, licenseId, email, session));
    }

    [Fact]
    public async Task Erasing_the_customer_ends_their_portal_sessions()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var email = PortalTestKit.NewCustomer("erase");
        await PortalTestKit.IssueAsync(_host, apiKey, email, ["erase.example"]);
        var session = await PortalTestKit.SignInAsync(_host, accountId, email);
        Assert.Single(await PortalTestKit.LicensesAsync(_host, accountId, session));

        var erased = await _host.PostAsync("v1/customers/erase", new { email }, apiKey);
        Assert.True(erased.Status == HttpStatusCode.OK, erased.Text);
        (await _host.GetAsync($"v1/portal/{accountId}/licenses", session)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var rows = new Azure.Data.Tables.TableClient(TestHost.Azurite, "sessions").Query<Azure.Data.Tables.TableEntity>(
            Azure.Data.Tables.TableClient.CreateQueryFilter($"CustomerEmail eq {email}")).Count();
        Assert.Equal(0, rows);
    }

    private async Task<System.Text.Json.JsonElement> WaitForAuditAsync(string apiKey, string licenseId, string action)
    {
        var until = Patience.Deadline;
        while (true)
        {
            var r = await _host.GetAsync($"v1/audit?licenseId={licenseId}", apiKey);
            Assert.True(r.Status == HttpStatusCode.OK, r.Text);
            var hit = r.Json.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("action").GetString() == action).ToArray();
            if (hit.Length > 0) return hit[0];
            Assert.True(DateTime.UtcNow < until, $"no {action} in the audit log");
            await Task.Delay(200);
        }
    }
}
