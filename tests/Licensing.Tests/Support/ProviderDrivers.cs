using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Licensing.Tests.Support;

/// <summary>
/// One delivery as the provider makes it: the path under the API, the raw body, its content type, and its headers as made
/// at the moment of sending (a provider that signs a timestamp, as Paddle does, signs when it sends).
/// </summary>
public sealed record Delivery(string Path, byte[] Body, string ContentType, Func<IReadOnlyDictionary<string, string>> Headers);

/// <summary>A sale a test makes a provider announce (ids are random per sale; the plan named by custom data unless a price id is given).</summary>
public sealed record Sale(string Email, string? Domain = null, bool Subscription = false, bool Test = false, string? Plan = "pro", string? PriceId = null)
{
    public string Id { get; } = RandomNumberGenerator.GetInt32(100_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
    public string SubscriptionId { get; } = RandomNumberGenerator.GetInt32(100_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
    public DateTimeOffset At { get; } = DateTimeOffset.UtcNow.AddMinutes(-5);
}

/// <summary>
/// A payment provider as a test drives it: its integration settings and the deliveries it makes for a sale, each as the
/// provider signs (or, for Gumroad, addresses) it. <see cref="WebhookPath"/> is what <c>PUT /v1/integrations/{provider}</c> returned.
/// </summary>
public abstract class ProviderDriver
{
    public abstract string Name { get; }
    public abstract object Settings { get; }
    public string WebhookPath { get; set; } = "";

    /// <summary>The deliveries that announce a paid sale; the last is the purchase event itself.</summary>
    public abstract IReadOnlyList<Delivery> Purchase(Sale sale);

    public abstract Delivery Refund(Sale sale, bool full);

    /// <summary>A dispute or chargeback; null where the provider sends none.</summary>
    public abstract Delivery? Dispute(Sale sale);

    /// <summary>The subscription ended (after its cancellation).</summary>
    public abstract Delivery SubscriptionEnded(Sale sale, DateTimeOffset at);

    /// <summary>The same delivery with an authenticity check that must fail.</summary>
    public abstract Delivery Forged(Delivery d);

    public override string ToString() => Name;

    public static ProviderDriver For(string name) => name switch
    {
        "lemonsqueezy" => new LemonSqueezyDriver(),
        "paddle" => new PaddleDriver(),
        "gumroad" => new GumroadDriver(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    protected static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    protected static byte[] Utf8(JsonNode n) => Encoding.UTF8.GetBytes(n.ToJsonString());

    /// <summary>Lower-case hex HMAC-SHA256 of the message with the secret's UTF-8 bytes, as the providers sign.</summary>
    protected static string HexHmac(string secret, byte[] message) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));

    protected static JsonObject Custom(Sale s)
    {
        var custom = new JsonObject();
        if (s.Plan is not null) { custom["productId"] = "my-plugin"; custom["plan"] = s.Plan; }
        if (s.Domain is not null) custom["domain"] = s.Domain;
        return custom;
    }
}

public sealed class LemonSqueezyDriver : ProviderDriver
{
    public const string Secret = "ls-signing-secret-0123456789";
    public override string Name => "lemonsqueezy";
    public override object Settings => new { signingSecret = Secret };

    public static string Sign(byte[] body, string secret = Secret) => HexHmac(secret, body);

    private Delivery Deliver(string eventName, Sale s, string type, string id, JsonObject attributes)
    {
        var body = Utf8(new JsonObject
        {
            ["meta"] = new JsonObject { ["event_name"] = eventName, ["test_mode"] = s.Test, ["custom_data"] = Custom(s) },
            ["data"] = new JsonObject { ["type"] = type, ["id"] = id, ["attributes"] = attributes },
        });
        return new Delivery(WebhookPath, body, "application/json", () => new Dictionary<string, string>
        {
            ["X-Signature"] = Sign(body),
            ["X-Event-Name"] = eventName
        });
    }

    private static JsonObject OrderAttributes(Sale s, string status, bool refunded, DateTimeOffset updated) => new()
    {
        ["user_email"] = s.Email,
        ["status"] = status,
        ["refunded"] = refunded,
        ["first_order_item"] = new JsonObject { ["variant_id"] = s.PriceId is null ? 1 : long.Parse(s.PriceId, CultureInfo.InvariantCulture) },
        ["created_at"] = Iso(s.At),
        ["updated_at"] = Iso(updated),
    };

    public override IReadOnlyList<Delivery> Purchase(Sale s)
    {
        var order = Deliver("order_created", s, "orders", s.Id, OrderAttributes(s, "paid", false, s.At));
        if (!s.Subscription) return [order];
        var subscription = Deliver("subscription_created", s, "subscriptions", s.SubscriptionId, new JsonObject
        {
            ["order_id"] = long.Parse(s.Id, CultureInfo.InvariantCulture),
            ["user_email"] = s.Email,
            ["variant_id"] = 1,
            ["status"] = "active",
            ["renews_at"] = Iso(s.At.AddDays(30)),
            ["created_at"] = Iso(s.At),
            ["updated_at"] = Iso(s.At),
        });
        return [subscription, order];
    }

    public override Delivery Refund(Sale s, bool full) =>
        Deliver("order_refunded", s, "orders", s.Id, OrderAttributes(s, full ? "refunded" : "partial_refund", full, s.At.AddMinutes(full ? 2 : 1)));

    public override Delivery? Dispute(Sale s) => null;

    public override Delivery SubscriptionEnded(Sale s, DateTimeOffset at) =>
        Deliver("subscription_expired", s, "subscriptions", s.SubscriptionId, new JsonObject
        {
            ["order_id"] = long.Parse(s.Id, CultureInfo.InvariantCulture),
            ["status"] = "expired",
            ["ends_at"] = Iso(at),
            ["updated_at"] = Iso(at),
        });

    public override Delivery Forged(Delivery d) =>
        d with { Headers = () => new Dictionary<string, string>(d.Headers()) { ["X-Signature"] = Sign(d.Body, "someone-else") } };
}

public sealed class PaddleDriver : ProviderDriver
{
    public const string Secret = "pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI";
    public override string Name => "paddle";
    public bool Sandbox { get; init; }
    public string? ApiKey { get; init; }
    public bool SendCustomerEvents { get; init; } = true;
    public override object Settings => ApiKey is null ? new { webhookSecret = Secret, sandbox = Sandbox } : new
    {
        webhookSecret = Secret,
        apiKey = ApiKey,
        sandbox = Sandbox
    };

    public static string Header(byte[] body, long ts, string secret = Secret) =>
        $"ts={ts};h1={HexHmac(secret, [.. Encoding.ASCII.GetBytes($"{ts}:"), .. body])}";

    public Delivery Deliver(string type, JsonObject data, DateTimeOffset occurred, string? eventId = null)
    {
        var body = Utf8(new JsonObject
        {
            ["event_id"] = eventId ?? "evt_" + Guid.NewGuid().ToString("N"),
            ["event_type"] = type,
            ["occurred_at"] = Iso(occurred),
            ["notification_id"] = "ntf_" + Guid.NewGuid().ToString("N"),
            ["data"] = data,
        });
        // Signed when sent: a test building several deliveries before sending them must not outlive the tolerance.
        IReadOnlyDictionary<string, string> Signed() =>
            new Dictionary<string, string> { ["Paddle-Signature"] = Header(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds()) };
        return new Delivery(WebhookPath, body, "application/json", Signed);
    }

    public static string Customer(Sale s) => "ctm_" + s.Id;
    private static string Transaction(Sale s) => "txn_" + s.Id;
    private static string Subscription(Sale s) => "sub_" + s.SubscriptionId;

    private static JsonArray Items(Sale s) => new(new JsonObject { ["price"] = new JsonObject { ["id"] = s.PriceId ?? "pri_unknown" }, ["quantity"] = 1 });

    public override IReadOnlyList<Delivery> Purchase(Sale s)
    {
        var deliveries = new List<Delivery>();
        if (SendCustomerEvents)
            deliveries.Add(Deliver("customer.created", new JsonObject { ["id"] = Customer(s), ["email"] = s.Email, ["status"] = "active" }, s.At));
        if (s.Subscription)
            deliveries.Add(Deliver("subscription.created", new JsonObject
            {
                ["id"] = Subscription(s),
                ["status"] = "active",
                ["transaction_id"] = Transaction(s),
                ["customer_id"] = Customer(s),
                ["items"] = Items(s),
                ["custom_data"] = Custom(s),
                ["current_billing_period"] = new JsonObject { ["starts_at"] = Iso(s.At), ["ends_at"] = Iso(s.At.AddDays(30)) },
            }, s.At));
        deliveries.Add(Deliver("transaction.completed", new JsonObject
        {
            ["id"] = Transaction(s),
            ["status"] = "completed",
            ["origin"] = "web",
            ["customer_id"] = Customer(s),
            ["subscription_id"] = s.Subscription ? Subscription(s) : null,
            ["items"] = Items(s),
            ["custom_data"] = Custom(s),
            ["billing_period"] = s.Subscription ? new JsonObject { ["starts_at"] = Iso(s.At), ["ends_at"] = Iso(s.At.AddDays(30)) } : null,
        }, s.At));
        return deliveries;
    }

    public Delivery Adjustment(Sale s, string action, string status, string type) =>
        Deliver("adjustment.updated", new JsonObject
        {
            ["id"] = "adj_" + Guid.NewGuid().ToString("N"),
            ["action"] = action,
            ["status"] = status,
            ["type"] = type,
            ["transaction_id"] = Transaction(s),
        }, DateTimeOffset.UtcNow);

    public override Delivery Refund(Sale s, bool full) => Adjustment(s, "refund", "approved", full ? "full" : "partial");

    public override Delivery? Dispute(Sale s) => Adjustment(s, "chargeback", "approved", "full");

    public override Delivery SubscriptionEnded(Sale s, DateTimeOffset at) =>
        Deliver("subscription.canceled", new JsonObject { ["id"] = Subscription(s), ["status"] = "canceled", ["canceled_at"] = Iso(at) }, at);

    public override Delivery Forged(Delivery d) => d with
    {
        Headers = () => new Dictionary<string, string> { ["Paddle-Signature"] = Header(d.Body, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "pdl_ntfset_other") },
    };
}

public sealed class GumroadDriver : ProviderDriver
{
    public const string Seller = "kL0psVL2admJSYRNs-OCMg==";
    public override string Name => "gumroad";
    public override object Settings => new { sellerId = Seller };

    private Delivery Deliver(IEnumerable<KeyValuePair<string, string?>> fields, string? path = null) =>
        new(path ?? WebhookPath, Encoding.UTF8.GetBytes(string.Join("&", fields.Where(f => f.Value is not null)
            .Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value!)}"))), "application/x-www-form-urlencoded",
            () => new Dictionary<string, string>());

    private static Dictionary<string, string?> SaleFields(Sale s, string seller = Seller) => new()
    {
        ["seller_id"] = seller,
        ["sale_id"] = "S" + s.Id + "==",
        ["sale_timestamp"] = Iso(s.At),
        ["product_id"] = s.PriceId ?? "32-nPAicqbLj8B_WswVlMw==",
        ["product_permalink"] = "https://acme.gumroad.com/l/my-plugin",
        ["email"] = s.Email,
        ["refunded"] = "false",
        ["disputed"] = "false",
        ["test"] = s.Test ? "true" : null,
        ["subscription_id"] = s.Subscription ? "G" + s.SubscriptionId + "==" : null,
        ["recurrence"] = s.Subscription ? "monthly" : null,
        ["custom_fields[productId]"] = s.Plan is null ? null : "my-plugin",
        ["custom_fields[plan]"] = s.Plan,
        ["custom_fields[domain]"] = s.Domain,
        ["license_key"] = "85DB562A-C11D4B06-A2335A6B-8C079166",
    };

    public override IReadOnlyList<Delivery> Purchase(Sale s) => [Deliver(SaleFields(s))];

    /// <summary>A membership's next charge: a new sale of the same subscription (a minute after the first, so its day is in range).</summary>
    public Delivery RecurringCharge(Sale s)
    {
        var f = SaleFields(s);
        f["sale_id"] = "R" + s.Id + "==";
        f["sale_timestamp"] = Iso(s.At.AddMinutes(1));
        f["is_recurring_charge"] = "true";
        return Deliver(f);
    }

    public override Delivery Refund(Sale s, bool full)
    {
        var f = SaleFields(s);
        f["resource_name"] = "refund";
        f["refunded"] = full ? "true" : "false";
        f["partially_refunded"] = full ? "false" : "true";
        return Deliver(f);
    }

    public override Delivery? Dispute(Sale s)
    {
        var f = SaleFields(s);
        f["resource_name"] = "dispute";
        f["disputed"] = "true";
        return Deliver(f);
    }

    public override Delivery SubscriptionEnded(Sale s, DateTimeOffset at) => Deliver(new Dictionary<string, string?>
    {
        ["resource_name"] = "subscription_ended",
        ["subscription_id"] = "G" + s.SubscriptionId + "==",
        ["user_email"] = s.Email,
        ["ended_at"] = Iso(at),
        ["ended_reason"] = "cancelled",
    });

    /// <summary>A URL whose secret is not the integration's (the seller id is right).</summary>
    public override Delivery Forged(Delivery d) => d with { Path = d.Path[..(d.Path.LastIndexOf('/') + 1)] + "not-the-secret" };

    /// <summary>The right URL, another seller.</summary>
    public Delivery OtherSeller(Sale s) => Deliver(SaleFields(s, "another-seller=="));
}
