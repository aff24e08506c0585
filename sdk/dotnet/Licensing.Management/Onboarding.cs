namespace Licensing.Management;

/// <summary>What the account looks like now, read through the API, from which the onboarding checklist ticks itself.</summary>
/// <param name="Products">How many products the account has (<c>GET /v1/products</c>).</param>
/// <param name="Validations">Validations this month (<c>GET /v1/account</c>'s usage).</param>
/// <param name="ProvisionedLicenses">Licenses a payment provider issued (their metadata names the provider's event).</param>
/// <param name="StripeConnected">True, false, or null when the API does not say.</param>
/// <param name="Deployed">The API answers from somewhere other than this machine.</param>
public sealed record OnboardingState(int Products, long Validations, int ProvisionedLicenses, bool? StripeConnected, bool Deployed);

/// <summary>One step of the 30-minute timeline: done from real state, never from a click.</summary>
public sealed record OnboardingStep(string Id, string Title, int Minutes, string Hint, bool Done);

/// <summary>The seed's timeline: create the product, integrate the SDK, connect Stripe, test a purchase, deploy.</summary>
public static class Onboarding
{
    public static IReadOnlyList<OnboardingStep> Steps(OnboardingState s) =>
    [
        new("product", "Create your product and its plans", 5, "Products → New product.", s.Products > 0),
        new("sdk", "Integrate the SDK: the first validation", 10, "Call validate from your app with a license key.", s.Validations > 0),
        new("stripe", "Connect Stripe", 5, "Paste your Stripe webhook signing secret under Integrations.",
            s.StripeConnected ?? s.ProvisionedLicenses > 0),
        new("purchase", "Test the full flow: purchase → license → validation", 5, "A test-mode checkout issues and e-mails a license.",
            s.ProvisionedLicenses > 0),
        new("deploy", "Deploy", 5, "azd up puts the API and this dashboard in Azure.", s.Deployed),
    ];

    /// <summary>A license a payment provider issued: its metadata records the provider's event.</summary>
    public static bool IsProvisioned(License license) =>
        license.Metadata is { } m && (m.ContainsKey("stripeEvent") || m.ContainsKey("stripeCheckoutSession"));
}
