using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Paddle;
using Licensing.Functions.Hosting;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Billing;

/// <summary>
/// A fake of Paddle Billing's API on a loopback port: <c>GET /customers/{id}</c> answers only as Paddle would, to the
/// right method and path with <c>Authorization: Bearer &lt;the account's API key&gt;</c>, and records every request.
/// </summary>
public sealed class FakePaddle : IAsyncDisposable
{
    public const string ApiKey = "pdl_sdbx_apikey_01fake0000000000000000000000_abcdefghijklmnop";
    private LocalServer _server = null!;

    public Uri Uri => _server.Uri;
    public ConcurrentDictionary<string, string> Emails { get; } = new();
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<FakePaddle> StartAsync()
    {
        var fake = new FakePaddle();
        fake._server = await LocalServer.StartHttpAsync(fake.HandleAsync);
        return fake;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        Requests.Enqueue($"{ctx.Request.Method} {ctx.Request.Path} {ctx.Request.Headers.Authorization}");
        if (ctx.Request.Headers.Authorization != $"Bearer {ApiKey}")
        {
            ctx.Response.StatusCode = 403;
            await ctx.Response.WriteAsJsonAsync(new { error = new { type = "request_error", code = "forbidden" } });
            return;
        }
        var id = ctx.Request.Path.StartsWithSegments("/customers", out var rest) ? rest.Value!.TrimStart('/') : null;
        if (ctx.Request.Method != "GET" || id is null || !Emails.TryGetValue(id, out var email))
        {
            ctx.Response.StatusCode = 404;
            await ctx.Response.WriteAsJsonAsync(new { error = new { type = "request_error", code = "not_found" } });
            return;
        }
        await ctx.Response.WriteAsJsonAsync(new { data = new { id, email, status = "active" }, meta = new { request_id = Guid.NewGuid() } });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>Paddle's customer e-mail from its API, and the adjustment rules, over HTTP and in the parser.</summary>
public sealed class PaddleTests
{
    [Fact]
    public async Task Without_customer_events_the_email_is_read_from_paddle_with_the_api_key()
    {
        await Smtp4dev.RequireAsync();
        await using var paddle = await FakePaddle.StartAsync();
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Licensing:PaddleApiBase"] = paddle.Uri.ToString(),
            ["Licensing:PaddleSandboxApiBase"] = paddle.Uri.ToString(),
        }, ownQueues: true); // any other host would ask the real Paddle for the e-mail
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        var driver = new PaddleDriver { ApiKey = FakePaddle.ApiKey, Sandbox = true, SendCustomerEvents = false };
        var r = await host.PutAsync("v1/integrations/paddle", driver.Settings, apiKey);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        driver.WebhookPath = r.Json.GetProperty("webhookUrl").GetString()![host.BaseAddress.ToString().Length..];
        var sale = new Sale($"paddle-{Guid.NewGuid():N}@example.com");
        paddle.Emails[PaddleDriver.Customer(sale)] = sale.Email;

        foreach (var d in driver.Purchase(sale))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, d.Path) { Content = new ByteArrayContent(d.Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(d.ContentType);
            foreach (var (name, value) in d.Headers()) request.Headers.TryAddWithoutValidation(name, value);
            Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(request)).StatusCode);
        }
        Assert.Single(await Smtp4dev.WaitForAsync(sale.Email, 1, Patience.Bound));
        Assert.Contains($"GET /customers/{PaddleDriver.Customer(sale)} Bearer {FakePaddle.ApiKey}", paddle.Requests);
        Assert.All(paddle.Requests, line => Assert.StartsWith($"GET /customers/{PaddleDriver.Customer(sale)} ", line));
        var license = (await host.GetAsync("v1/licenses?customerEmail=" + Uri.EscapeDataString(sale.Email), apiKey)).Json.GetProperty("items")[0];
        Assert.True(license.GetProperty("test").GetBoolean()); // a sandbox integration
        Assert.NotEmpty(accountId);
    }

    private sealed class Secrets : ISecretStore
    {
        public Dictionary<string, string> Values { get; } = [];
        public Task UpsertAsync(string name, string value, CancellationToken ct) => Task.FromResult(Values[name] = value);
        public Task<string?> GetAsync(string name, CancellationToken ct) => Task.FromResult(Values.GetValueOrDefault(name));
    }

    private sealed class Customers : IBillingCustomers
    {
        public Dictionary<string, string> Emails { get; } = [];
        public Task RecordEmailAsync(string accountId, ProviderRef customer, string email, DateTimeOffset at, CancellationToken ct) =>
            Task.FromResult(Emails[customer.Id] = email);
        public Task<string?> GetEmailAsync(string accountId, ProviderRef customer, CancellationToken ct) =>
            Task.FromResult(Emails.GetValueOrDefault(customer.Id));
    }

    private static async Task<BillingEvent> ParseAsync(string type, JsonObject data, Customers? customers = null)
    {
        using var client = new PaddleCustomerClient(Options.Create(new LicensingOptions { PaddleApiBase = "http://127.0.0.1:9" }));
        var parser = new PaddleEventParser(new Secrets(), customers ?? new Customers(), client);
        var body = new JsonObject { ["event_id"] = "evt_1", ["event_type"] = type, ["occurred_at"] = "2027-01-01T00:00:00Z", ["data"] = data };
        return await parser.ParseAsync(new ProviderEvent("acct_1", "evt_1", type, DateTimeOffset.UnixEpoch, Encoding.UTF8.GetBytes(body.ToJsonString())),
            CancellationToken.None);
    }

    [Theory]
    [InlineData("refund", "approved", "full", "Refunded:Full")]
    [InlineData("refund", "approved", "partial", "Refunded:Partial")]
    [InlineData("refund", "pending_approval", "full", "Ignored")]
    [InlineData("refund", "rejected", "full", "Ignored")]
    [InlineData("chargeback", "approved", "full", "Disputed")]
    [InlineData("credit", "approved", "full", "Ignored")]
    public async Task Adjustments_revoke_only_approved_full_refunds_and_chargebacks_dispute(string action, string status, string type, string expected)
    {
        var e = await ParseAsync("adjustment.updated", new JsonObject
        {
            ["id"] = "adj_1",
            ["action"] = action,
            ["status"] = status,
            ["type"] = type,
            ["transaction_id"] = "txn_1",
        });
        Assert.Equal(expected, e is Refunded r ? $"Refunded:{r.Extent}" : e.GetType().Name);
        if (e is PaymentEvent p) Assert.Equal(new ProviderRef(BillingProvider.Paddle, "txn_1"), Assert.Single(p.Payments));
    }

    [Fact]
    public async Task A_recurring_transaction_renews_and_a_first_one_without_a_known_email_is_retried()
    {
        var renewal = await ParseAsync("transaction.completed", new JsonObject
        {
            ["id"] = "txn_2",
            ["origin"] = "subscription_recurring",
            ["subscription_id"] = "sub_1",
            ["customer_id"] = "ctm_1",
            ["billing_period"] = new JsonObject { ["ends_at"] = "2027-02-01T00:00:00Z" },
        });
        var paid = Assert.IsType<RenewalPaid>(renewal);
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), paid.PeriodEnd);
        Assert.False(paid.FirstOfSubscription);

        var first = new JsonObject { ["id"] = "txn_1", ["origin"] = "web", ["customer_id"] = "ctm_1", ["items"] = new JsonArray() };
        await Assert.ThrowsAsync<BillingRetryException>(() => ParseAsync("transaction.completed", first));
        var customers = new Customers();
        await ParseAsync("customer.created", new JsonObject { ["id"] = "ctm_1", ["email"] = "c@example.com" }, customers);
        var purchase = Assert.IsType<PurchaseCompleted>(await ParseAsync("transaction.completed", (JsonObject)first.DeepClone(), customers));
        Assert.Equal("c@example.com", purchase.CustomerEmail);
    }
}
