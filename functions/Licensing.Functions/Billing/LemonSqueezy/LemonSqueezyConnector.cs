using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Billing.LemonSqueezy;

/// <summary><c>PUT /v1/integrations/lemonsqueezy { signingSecret }</c> → 200 { webhookUrl }.</summary>
public sealed class LemonSqueezyConnector(ISecretStore secrets) : IProviderConnector
{
    public const string SigningSecret = "signing";

    public sealed record Settings(string? SigningSecret);

    public BillingProvider Provider => BillingProvider.LemonSqueezy;

    public async Task<string?> ConnectAsync(string accountId, HttpRequest req, string webhookUrl, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync<Settings>(req, ct);
        var errors = new FieldErrors();
        // Lemon Squeezy takes a signing secret of 6 to 40 characters, chosen by the founder.
        if (body.SigningSecret is not { Length: >= 6 and <= 256 } secret || secret.Any(char.IsControl))
            errors.Add("signingSecret", "must be the webhook's signing secret (6-256 characters)");
        errors.ThrowIfAny();
        await secrets.UpsertAsync(ProviderSecrets.Name(Provider, SigningSecret, accountId), body.SigningSecret!, ct);
        return webhookUrl;
    }
}
