using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Billing.Stripe;

/// <summary><c>PUT /v1/integrations/stripe { webhookSecret, apiKey? }</c> → 204 (the contract's answer; the URL is documented).</summary>
public sealed class StripeConnector(ISecretStore secrets) : IProviderConnector
{
    public const string WebhookSecret = "webhook";
    public const string ApiKey = "apikey";

    public sealed record Settings(string? WebhookSecret, string? ApiKey);

    public BillingProvider Provider => BillingProvider.Stripe;

    public async Task<string?> ConnectAsync(string accountId, HttpRequest req, string webhookUrl, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync<Settings>(req, ct);
        var errors = new FieldErrors();
        if (body.WebhookSecret is not { Length: > 6 and <= 256 } ws || !ws.StartsWith("whsec_", StringComparison.Ordinal))
            errors.Add("webhookSecret", "must be the endpoint's signing secret (whsec_...)");
        if (body.ApiKey is not null
            && (body.ApiKey.Length is < 8 or > 256
                || !(body.ApiKey.StartsWith("rk_", StringComparison.Ordinal) || body.ApiKey.StartsWith("sk_", StringComparison.Ordinal))))
            errors.Add("apiKey", "must be a Stripe restricted (rk_...) or secret (sk_...) key");
        errors.ThrowIfAny();
        await secrets.UpsertAsync(ProviderSecrets.Name(Provider, WebhookSecret, accountId), body.WebhookSecret!, ct);
        if (body.ApiKey is not null) await secrets.UpsertAsync(ProviderSecrets.Name(Provider, ApiKey, accountId), body.ApiKey, ct);
        return null;
    }
}
