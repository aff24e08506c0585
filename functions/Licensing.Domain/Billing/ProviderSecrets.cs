namespace Licensing.Domain.Billing;

/// <summary>
/// The names under which an account's provider settings live in the <see cref="ISecretStore"/>: <c>{provider}-{kind}-{account}</c>
/// (each provider's connector names its kinds, e.g. Stripe's <c>stripe-webhook-{account}</c> and <c>stripe-apikey-{account}</c>).
/// </summary>
public static class ProviderSecrets
{
    public static string Name(BillingProvider provider, string kind, string accountId) => $"{provider.ToWire()}-{kind}-{accountId.Replace('_', '-')}";
}
