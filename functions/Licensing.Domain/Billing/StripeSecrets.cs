namespace Licensing.Domain.Billing;

/// <summary>The names under which an account's provider settings live in the <see cref="ISecretStore"/>: <c>{provider}-{kind}-{account}</c>.</summary>
public static class ProviderSecrets
{
    public static string Name(BillingProvider provider, string kind, string accountId) => $"{provider.ToWire()}-{kind}-{accountId.Replace('_', '-')}";
}

public static class StripeSecrets
{
    public static string WebhookSecretName(string accountId) => ProviderSecrets.Name(BillingProvider.Stripe, "webhook", accountId);

    public static string ApiKeyName(string accountId) => ProviderSecrets.Name(BillingProvider.Stripe, "apikey", accountId);
}
