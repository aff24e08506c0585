namespace Licensing.Domain.Billing;

public static class StripeSecrets
{
    public static string WebhookSecretName(string accountId) => $"stripe-webhook-{accountId.Replace('_', '-')}";

    public static string ApiKeyName(string accountId) => $"stripe-apikey-{accountId.Replace('_', '-')}";
}
