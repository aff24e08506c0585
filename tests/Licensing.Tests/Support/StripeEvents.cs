using System.Text.Json;
using System.Text.Json.Nodes;
using Stripe;

namespace Licensing.Tests.Support;

/// <summary>Stripe event payloads shaped as Stripe sends them, signed with Stripe.net's own signature code.</summary>
public static class StripeEvents
{
    public const string Secret = "whsec_test_secret_for_local_tests";

    public static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..24];

    public static JsonObject Event(string type, JsonObject data, DateTimeOffset? created = null, string? id = null, string apiVersion = "2025-11-17.clover") =>
        new()
        {
            ["id"] = id ?? NewId("evt"),
            ["object"] = "event",
            ["api_version"] = apiVersion,
            ["created"] = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = data },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        };

    public static JsonObject CheckoutSession(string sessionId, string email, string? productId = "my-plugin", string? plan = "pro", string? domain = null,
        string paymentStatus = "paid", string? subscription = null, string? paymentIntent = null, string[]? linePrices = null)
    {
        var metadata = new JsonObject();
        if (productId is not null) metadata["productId"] = productId;
        if (plan is not null) metadata["plan"] = plan;
        if (domain is not null) metadata["domain"] = domain;
        var session = new JsonObject
        {
            ["id"] = sessionId,
            ["object"] = "checkout.session",
            ["mode"] = subscription is null ? "payment" : "subscription",
            ["payment_status"] = paymentStatus,
            ["status"] = "complete",
            ["customer_details"] = new JsonObject { ["email"] = email, ["name"] = "Customer <b>Name</b>" },
            ["metadata"] = metadata,
            ["subscription"] = subscription,
            ["payment_intent"] = paymentIntent,
        };
        if (linePrices is not null)
            session["line_items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(linePrices.Select(p => (JsonNode)new JsonObject
                {
                    ["id"] = NewId("li"),
                    ["object"] = "item",
                    ["price"] = new JsonObject { ["id"] = p, ["object"] = "price" }
                }).ToArray()),
            };
        return session;
    }

    public static JsonObject Invoice(string subscription, DateTimeOffset periodEnd, string? paymentIntent = null) => new()
    {
        ["id"] = NewId("in"),
        ["object"] = "invoice",
        ["status"] = "paid",
        ["parent"] = new JsonObject { ["type"] = "subscription_details", ["subscription_details"] = new JsonObject { ["subscription"] = subscription } },
        ["lines"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = NewId("il"),
                ["object"] = "line_item",
                ["period"] = new JsonObject { ["start"] = periodEnd.AddDays(-30).ToUnixTimeSeconds(), ["end"] = periodEnd.ToUnixTimeSeconds() },
            }),
        },
        ["payments"] = paymentIntent is null ? null : new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject { ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = paymentIntent } }),
        },
    };

    public static JsonObject Subscription(string id, string status = "active", bool cancelAtPeriodEnd = false, DateTimeOffset? periodEnd = null,
        string? price = null) => new()
        {
            ["id"] = id,
            ["object"] = "subscription",
            ["status"] = status,
            ["cancel_at_period_end"] = cancelAtPeriodEnd,
            ["ended_at"] = status == "canceled" ? DateTimeOffset.UtcNow.ToUnixTimeSeconds() : null,
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = NewId("si"),
                    ["object"] = "subscription_item",
                    ["current_period_end"] = (periodEnd ?? DateTimeOffset.UtcNow.AddDays(30)).ToUnixTimeSeconds(),
                    ["price"] = new JsonObject { ["id"] = price ?? "price_unknown", ["object"] = "price" },
                }),
            },
        };

    public static JsonObject Charge(string paymentIntent, long amount, long refunded) => new()
    {
        ["id"] = NewId("ch"),
        ["object"] = "charge",
        ["amount"] = amount,
        ["amount_refunded"] = refunded,
        ["refunded"] = refunded >= amount,
        ["payment_intent"] = paymentIntent,
    };

    public static JsonObject Dispute(string paymentIntent) => new()
    {
        ["id"] = NewId("dp"),
        ["object"] = "dispute",
        ["charge"] = NewId("ch"),
        ["payment_intent"] = paymentIntent,
    };

    /// <summary>A Stripe-Signature header for the payload, made by Stripe.net.</summary>
    public static string Sign(string payload, string secret = Secret, DateTimeOffset? at = null) =>
        EventUtility.GenerateSignatureHeader(payload, secret, (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());

    public static string Json(JsonObject e) => e.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    /// <summary>Posts the event to the account's Stripe webhook, signed (or with the given signature), as Stripe does.</summary>
    public static async Task<ApiResponse> DeliverAsync(TestHost host, string accountId, JsonObject stripeEvent, string? signature = null)
    {
        var payload = Json(stripeEvent);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/webhooks/stripe/{accountId}")
        {
            Content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature ?? Sign(payload));
        using var response = await host.Http.SendAsync(request);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers,
            response.Content.Headers.ContentType?.MediaType);
    }
}
