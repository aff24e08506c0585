using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Simulation;

namespace Licensing.Functions.Billing.Stripe;

/// <summary>
/// A test-mode <c>checkout.session.completed</c> event as Stripe sends it (<c>livemode: false</c>; the product, plan and
/// optional domain in the session's metadata), and the <c>Stripe-Signature</c> header Stripe would put on it:
/// <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.
/// </summary>
public static class StripeTestPurchase
{
    public const string EventType = "checkout.session.completed";

    public static (string EventId, byte[] Body) Event(string productId, string plan, string email, string? domain, DateTimeOffset now)
    {
        var metadata = new JsonObject { ["productId"] = productId, ["plan"] = plan, ["simulated"] = "dashboard" };
        if (domain is not null) metadata["domain"] = domain;
        var eventId = "evt_test_" + SimulatedIds.Hex(12);
        var body = new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = global::Stripe.StripeConfiguration.ApiVersion,
            ["created"] = now.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = EventType,
            ["data"] = new JsonObject
            {
                ["object"] = new JsonObject
                {
                    ["id"] = "cs_test_" + SimulatedIds.Hex(12),
                    ["object"] = "checkout.session",
                    ["livemode"] = false,
                    ["mode"] = "payment",
                    ["payment_status"] = "paid",
                    ["status"] = "complete",
                    ["customer_details"] = new JsonObject { ["email"] = email },
                    ["metadata"] = metadata,
                },
            },
        };
        return (eventId, Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    public static string Signature(byte[] body, string secret, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={WebhookSignatures.HexHmac(secret, WebhookSignatures.Prefixed(timestamp + ".", body))}";
    }
}
