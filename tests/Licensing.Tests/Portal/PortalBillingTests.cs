using System.Collections.Concurrent;
using System.Net;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Licensing.Tests.Portal;

/// <summary>
/// The portal's billing link against a local fake of Stripe's <c>POST /v1/billing_portal/sessions</c>, which checks the
/// request as Stripe does: the seller's secret key as a bearer, a form body with <c>customer</c> and <c>return_url</c>.
/// </summary>
public sealed class PortalBillingTests : IAsyncLifetime
{
    private const string StripeKey = "sk_test_portal_fake_key";
    private TestHost _host = null!;
    private FakeStripe _stripe = null!;

    public async Task InitializeAsync()
    {
        await Smtp4dev.RequireAsync();
        _stripe = await FakeStripe.StartAsync();
        _host = await PortalTestKit.StartAsync(("Licensing:StripeApiBase", _stripe.Uri.ToString().TrimEnd('/')));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _stripe.DisposeAsync();
    }

    [Fact]
    public async Task The_billing_link_opens_stripes_customer_portal_for_the_customer_only_when_stripe_is_connected()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        var email = PortalTestKit.NewCustomer("billing");
        var customerId = "cus_" + Guid.NewGuid().ToString("N")[..14];
        await PortalTestKit.IssueAsync(_host, apiKey, email, ["billing.example"], new Dictionary<string, string> { ["stripeCustomer"] = customerId });
        var session = await PortalTestKit.SignInAsync(_host, accountId, email);

        var list = await _host.GetAsync($"v1/portal/{accountId}/licenses", session);
        Assert.False(list.Json.GetProperty("billingPortal").GetBoolean());
        (await _host.PostAsync($"v1/portal/{accountId}/billing", null, session)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty(_stripe.Requests);

        var connected = await _host.PutAsync("v1/integrations/stripe", new { webhookSecret = "whsec_portal_test_secret", apiKey = StripeKey }, apiKey);
        Assert.Equal(HttpStatusCode.NoContent, connected.Status);
        Assert.True((await _host.GetAsync($"v1/portal/{accountId}/licenses", session)).Json.GetProperty("billingPortal").GetBoolean());

        var r = await _host.PostAsync($"v1/portal/{accountId}/billing", null, session);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        Assert.Equal($"https://billing.stripe.com/p/session/test_{customerId}", r.Json.GetProperty("url").GetString());
        var request = Assert.Single(_stripe.Requests);
        Assert.Equal(customerId, request.Customer);
        Assert.Equal($"http://127.0.0.1:7071/portal/{accountId}", request.ReturnUrl);
    }

    [Fact]
    public async Task A_customer_stripe_does_not_know_gets_a_not_found_in_words_and_another_customer_has_no_billing_link()
    {
        var (accountId, apiKey) = await PortalTestKit.SellerAsync(_host);
        Assert.Equal(HttpStatusCode.NoContent,
            (await _host.PutAsync("v1/integrations/stripe", new { webhookSecret = "whsec_portal_test_secret", apiKey = StripeKey }, apiKey)).Status);
        var gone = PortalTestKit.NewCustomer("gone");
        await PortalTestKit.IssueAsync(_host, apiKey, gone, ["gone.example"], new Dictionary<string, string> { ["stripeCustomer"] = FakeStripe.Unknown });
        var problem = (await _host.PostAsync($"v1/portal/{accountId}/billing", null, await PortalTestKit.SignInAsync(_host, accountId, gone)))
            .AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Contains("billing account", problem.GetProperty("detail").GetString());

        var plain = PortalTestKit.NewCustomer("plain");
        await PortalTestKit.IssueAsync(_host, apiKey, plain, ["plain.example"]);
        var session = await PortalTestKit.SignInAsync(_host, accountId, plain);
        Assert.False((await _host.GetAsync($"v1/portal/{accountId}/licenses", session)).Json.GetProperty("billingPortal").GetBoolean());
        var before = _stripe.Requests.Count;
        (await _host.PostAsync($"v1/portal/{accountId}/billing", null, session)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(before, _stripe.Requests.Count);
    }

    private sealed record BillingRequest(string Customer, string ReturnUrl);

    /// <summary>Stripe's billing portal session endpoint: bearer secret key, form-encoded customer and return_url, JSON answer.</summary>
    /// <summary>Stripe's <c>POST /v1/billing_portal/sessions</c> on a <see cref="LocalServer"/>, answering as Stripe does.</summary>
    private sealed class FakeStripe : IAsyncDisposable
    {
        public const string Unknown = "cus_unknown00000";
        private LocalServer _server = null!;

        public Uri Uri => _server.Uri;
        public ConcurrentQueue<BillingRequest> Requests { get; } = new();

        public static async Task<FakeStripe> StartAsync()
        {
            var fake = new FakeStripe();
            fake._server = await LocalServer.StartHttpAsync(fake.HandleAsync);
            return fake;
        }

        private async Task HandleAsync(HttpContext ctx)
        {
            if (ctx.Request.Method != "POST" || ctx.Request.Path != "/v1/billing_portal/sessions")
            {
                await Error(ctx, 404, "invalid_request_error", $"Unrecognized request URL ({ctx.Request.Method}: {ctx.Request.Path})");
                return;
            }
            if (ctx.Request.Headers.Authorization != $"Bearer {StripeKey}")
            {
                await Error(ctx, 401, "invalid_request_error", "Invalid API Key provided");
                return;
            }
            if (!ctx.Request.HasFormContentType)
            {
                await Error(ctx, 400, "invalid_request_error", "expected a form-encoded body");
                return;
            }
            var form = await ctx.Request.ReadFormAsync();
            string customer = form["customer"].ToString(), returnUrl = form["return_url"].ToString();
            if (customer.Length == 0 || customer == Unknown)
            {
                await Error(ctx, 400, "invalid_request_error", $"No such customer: '{customer}'");
                return;
            }
            Requests.Enqueue(new BillingRequest(customer, returnUrl));
            await ctx.Response.WriteAsJsonAsync(new Dictionary<string, object?>
            {
                ["id"] = "bps_" + Guid.NewGuid().ToString("N")[..16],
                ["object"] = "billing_portal.session",
                ["customer"] = customer,
                ["livemode"] = false,
                ["return_url"] = returnUrl,
                ["url"] = $"https://billing.stripe.com/p/session/test_{customer}",
            });
        }

        private static Task Error(HttpContext ctx, int status, string type, string message)
        {
            ctx.Response.StatusCode = status;
            return ctx.Response.WriteAsJsonAsync(new { error = new { type, message } });
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
