using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Billing.Simulation;
using Licensing.Functions.Http;

namespace Licensing.Functions.Billing.Paddle;

/// <summary>
/// Paddle Billing: what a sandbox checkout sends, in its order: <c>customer.created</c> (the e-mail, which a transaction
/// does not carry) then <c>transaction.completed</c> of the plan's price, the site in <c>custom_data.domain</c>, each
/// signed as Paddle signs (<c>Paddle-Signature: ts=…;h1=…</c>, at the moment each is sent). Paddle marks no event as a test: its sandbox is the test
/// mode, so only a sandbox connection can simulate (a live one would issue a live license).
/// </summary>
public sealed class PaddleSimulator(PaddleInbound inbound, ISecretStore secrets, TimeProvider clock) : IPurchaseSimulator
{
    public const string EventType = "transaction.completed";

    public BillingProvider Provider => BillingProvider.Paddle;

    public bool MapsByItemId => true;

    public async Task RequireReadyAsync(string accountId, CancellationToken ct)
    {
        await inbound.SecretAsync(accountId, ct);
        if (!await PaddleConnector.IsSandboxAsync(secrets, accountId, ct))
            throw new ConflictException("your Paddle integration is live (sandbox: false), and Paddle marks test purchases only by its sandbox, so a "
                + "simulated purchase would issue a live license; connect Paddle's sandbox (PUT /v1/integrations/paddle with sandbox: true) to try one");
    }

    public async Task<SimulatedDelivery> SendAsync(Credential caller, SimulatedPurchase p, CancellationToken ct)
    {
        var secret = await inbound.SecretAsync(caller.AccountId, ct);
        var customerId = Id("ctm_");
        var at = p.Now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        var (customer, _) = Event("customer.created", at, new JsonObject
        {
            ["id"] = customerId,
            ["name"] = null,
            ["email"] = p.Email,
            ["marketing_consent"] = false,
            ["status"] = "active",
            ["custom_data"] = null,
            ["locale"] = "en",
            ["created_at"] = at,
            ["updated_at"] = at,
        });
        var answer = await inbound.ReceiveAsync(caller.AccountId, customer, PaddleSignature.Header(customer, secret, clock.GetUtcNow()), ct);
        if (answer is ApiJsonResult { Status: >= 400 }) return new SimulatedDelivery(answer, "", "customer.created");

        var custom = new JsonObject { ["simulated"] = "dashboard" };
        if (p.Domain is not null) custom["domain"] = p.Domain;
        var (transaction, eventId) = Event(EventType, at, new JsonObject
        {
            ["id"] = Id("txn_"),
            ["status"] = "completed",
            ["customer_id"] = customerId,
            ["address_id"] = Id("add_"),
            ["business_id"] = null,
            ["custom_data"] = custom,
            ["origin"] = "web",
            ["collection_mode"] = "automatic",
            ["subscription_id"] = null,
            ["invoice_id"] = null,
            ["invoice_number"] = null,
            ["billing_details"] = null,
            ["billing_period"] = null,
            ["currency_code"] = "USD",
            ["items"] = new JsonArray(new JsonObject
            {
                ["price_id"] = p.ItemId,
                ["price"] = new JsonObject { ["id"] = p.ItemId, ["name"] = p.Plan.Name, ["status"] = "active" },
                ["quantity"] = 1,
            }),
            ["created_at"] = at,
            ["updated_at"] = at,
            ["billed_at"] = at,
        });
        answer = await inbound.ReceiveAsync(caller.AccountId, transaction, PaddleSignature.Header(transaction, secret, clock.GetUtcNow()), ct);
        return new SimulatedDelivery(answer, eventId, EventType);
    }

    /// <summary>A notification's envelope as Paddle sends it, and its <c>event_id</c>.</summary>
    private static (byte[] Body, string EventId) Event(string type, string at, JsonObject data)
    {
        var eventId = Id("evt_");
        var body = new JsonObject
        {
            ["event_id"] = eventId,
            ["event_type"] = type,
            ["occurred_at"] = at,
            ["notification_id"] = Id("ntf_"),
            ["data"] = data,
        };
        return (Encoding.UTF8.GetBytes(body.ToJsonString()), eventId);
    }

    /// <summary>A Paddle id: its kind's prefix and 26 lower-case letters and digits.</summary>
    private static string Id(string prefix) => prefix + "01" + SimulatedIds.Hex(12);
}
