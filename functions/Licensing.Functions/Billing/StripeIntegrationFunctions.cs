using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing;

/// <summary>Account endpoint: connect Stripe (failures and replay are every provider's: <see cref="BillingFailureFunctions"/>).</summary>
public sealed class StripeIntegrationFunctions(ISecretStore secrets, RequestAuth auth)
{
    public sealed record StripeIntegrationRequest(string? WebhookSecret, string? ApiKey);

    [Function(nameof(PutStripeIntegration))]
    public async Task<IActionResult> PutStripeIntegration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/integrations/stripe")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct)).AccountId;
        var body = await RequestBody.ReadJsonAsync<StripeIntegrationRequest>(req, ct);
        var errors = new FieldErrors();
        if (body.WebhookSecret is not { Length: > 6 and <= 256 } ws || !ws.StartsWith("whsec_", StringComparison.Ordinal))
            errors.Add("webhookSecret", "must be the endpoint's signing secret (whsec_...)");
        if (body.ApiKey is not null
            && (body.ApiKey.Length is < 8 or > 256
                || !(body.ApiKey.StartsWith("rk_", StringComparison.Ordinal) || body.ApiKey.StartsWith("sk_", StringComparison.Ordinal))))
            errors.Add("apiKey", "must be a Stripe restricted (rk_...) or secret (sk_...) key");
        errors.ThrowIfAny();
        await secrets.UpsertAsync(StripeSecrets.WebhookSecretName(accountId), body.WebhookSecret!, ct);
        if (body.ApiKey is not null) await secrets.UpsertAsync(StripeSecrets.ApiKeyName(accountId), body.ApiKey, ct);
        return new StatusOnlyResult(StatusCodes.Status204NoContent);
    }
}
