using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Simulation;

namespace Licensing.Functions.Billing.LemonSqueezy;

/// <summary>
/// Lemon Squeezy: a paid <c>order_created</c> in test mode (<c>meta.test_mode: true</c>, <c>test_mode: true</c> on the
/// order and its item) of the plan's variant, the site in <c>meta.custom_data.domain</c>, signed as Lemon Squeezy signs
/// (<c>X-Signature</c> = hex HMAC-SHA256 of the body with the signing secret).
/// </summary>
public sealed class LemonSqueezySimulator(LemonSqueezyInbound inbound) : IPurchaseSimulator
{
    public const string EventName = "order_created";

    public BillingProvider Provider => BillingProvider.LemonSqueezy;

    public bool MapsByItemId => true;

    public Task RequireReadyAsync(string accountId, CancellationToken ct) => inbound.SecretAsync(accountId, ct);

    public async Task<SimulatedDelivery> SendAsync(Credential caller, SimulatedPurchase p, CancellationToken ct)
    {
        var secret = await inbound.SecretAsync(caller.AccountId, ct);
        var (raw, eventId) = Event(p);
        var answer = await inbound.ReceiveAsync(caller.AccountId, raw, WebhookSignatures.HexHmac(secret, raw), EventName, ct);
        return new SimulatedDelivery(answer, eventId, EventName);
    }

    /// <summary>The event's body and the id the inbound names it by (<c>order_created:&lt;order id&gt;@&lt;updated_at&gt;</c>).</summary>
    public static (byte[] Body, string EventId) Event(SimulatedPurchase p)
    {
        var orderId = SimulatedIds.Number();
        var id = orderId.ToString(CultureInfo.InvariantCulture);
        var at = p.Now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        var custom = new JsonObject { ["simulated"] = "dashboard" };
        if (p.Domain is not null) custom["domain"] = p.Domain;
        var body = new JsonObject
        {
            ["meta"] = new JsonObject { ["test_mode"] = true, ["event_name"] = EventName, ["custom_data"] = custom },
            ["data"] = new JsonObject
            {
                ["type"] = "orders",
                ["id"] = id,
                ["attributes"] = new JsonObject
                {
                    ["identifier"] = Guid.NewGuid().ToString(),
                    ["order_number"] = orderId % 1_000_000,
                    ["user_name"] = p.Email.Split('@')[0],
                    ["user_email"] = p.Email,
                    ["currency"] = "USD",
                    ["status"] = "paid",
                    ["status_formatted"] = "Paid",
                    ["refunded"] = false,
                    ["refunded_at"] = null,
                    ["first_order_item"] = new JsonObject
                    {
                        ["id"] = SimulatedIds.Number(),
                        ["order_id"] = orderId,
                        ["variant_id"] = VariantId(p.ItemId!),
                        ["product_name"] = p.Product.Name,
                        ["variant_name"] = p.Plan.Name,
                        ["test_mode"] = true,
                        ["created_at"] = at,
                        ["updated_at"] = at,
                    },
                    ["test_mode"] = true,
                    ["created_at"] = at,
                    ["updated_at"] = at,
                },
            },
        };
        return (Encoding.UTF8.GetBytes(body.ToJsonString()), LemonSqueezyInbound.EventId(EventName, id, at)!);
    }

    /// <summary>A number, as Lemon Squeezy sends it; an id no number writes the same (a leading zero) stays text, which the parser reads too.</summary>
    private static JsonNode VariantId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n.ToString(CultureInfo.InvariantCulture) == id
            ? JsonValue.Create(n) : JsonValue.Create(id);
}
