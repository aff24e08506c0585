namespace Licensing.Dashboard.Services;

/// <summary>
/// A setting the founder copies from a payment provider into <c>PUT /v1/integrations/{provider}</c>; a <paramref name="Flag"/>
/// is a yes/no setting (a checkbox, sent as a JSON boolean).
/// </summary>
public sealed record ProviderField(string Name, string Label, bool Secret, bool Required, string Hint, bool Flag = false);

/// <summary>The payment providers besides Stripe, their settings (docs/stripe.md, "How a provider plugs in") and where to find them.</summary>
public sealed record ProviderForm(string Id, string Name, string Where, IReadOnlyList<ProviderField> Fields)
{
    public static IReadOnlyList<ProviderForm> Others { get; } =
    [
        new("lemonsqueezy", "Lemon Squeezy", "Settings → Webhooks → add the URL below; tick order_created, order_refunded and every subscription_ event.",
            [new("signingSecret", "Signing secret", true, true, "the secret you typed when adding the webhook")]),
        new("paddle", "Paddle",
            "Developer tools → Notifications → new destination with the URL below; select transaction.completed, subscription.*, adjustment.* and customer.*.",
            [new("webhookSecret", "Secret key", true, true, "pdl_ntfset_… shown on the destination"),
             new("apiKey", "API key (optional)", true, false, "lets the service read the customer's e-mail"),
             new("sandbox", "Sandbox account", false, false, "its purchases make test licenses, and purchases can be simulated", Flag: true)]),
        new("gumroad", "Gumroad", "Settings → Advanced → Ping: paste the URL returned after you save.",
            [new("sellerId", "Seller id", false, true, "in Gumroad's ping payload as seller_id")]),
        new("appsumo", "AppSumo", "Partner portal → your product → webhook URL below, and the OAuth redirect if you use AppSumo's license sign-in.",
            [new("apiKey", "API key", true, true, "from the partner portal"),
             new("productId", "Product id here", false, true, "the product whose licenses AppSumo purchases become"),
             new("clientId", "OAuth client id (optional)", false, false, ""),
             new("clientSecret", "OAuth client secret (optional)", true, false, ""),
             new("redirectUrl", "OAuth redirect URL (optional)", false, false, "")]),
    ];
}

/// <summary>
/// A provider whose purchases can be simulated (<c>POST /v1/integrations/{provider}/simulate</c>): what the simulation sends,
/// and the license metadata that names the provider's event (how the page finds the license it made). AppSumo cannot be
/// simulated: its purchases carry no e-mail and cannot be marked test.
/// </summary>
public sealed record SimulatedProvider(string Id, string Name, string Sends, string EventMetadata)
{
    public static IReadOnlyList<SimulatedProvider> All { get; } =
    [
        new("stripe", "Stripe", "a Stripe test-mode checkout (livemode: false) naming the product and plan, signed with your signing secret", "stripeEvent"),
        new("lemonsqueezy", "Lemon Squeezy",
            "a Lemon Squeezy test-mode order (meta.test_mode) of the plan's variant id, signed with your signing secret", "lemonSqueezyEvent"),
        new("paddle", "Paddle (sandbox)",
            "Paddle sandbox customer.created and transaction.completed events of the plan's price id, signed with your destination's secret key",
            "paddleEvent"),
        new("gumroad", "Gumroad", "a Gumroad test sale (test=true) of the plan's product id, from your seller id", "gumroadEvent"),
    ];
}
