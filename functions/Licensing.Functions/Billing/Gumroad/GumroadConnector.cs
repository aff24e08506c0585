using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Billing.Gumroad;

/// <summary>
/// <c>PUT /v1/integrations/gumroad { sellerId }</c> → 200 { webhookUrl }: the URL embeds a new secret of 32 random bytes
/// (base64url) each time; only its SHA-256 is kept, so the URL is shown once and a PUT replaces it.
/// </summary>
public sealed class GumroadConnector(ISecretStore secrets) : IProviderConnector
{
    public const string SellerId = "seller";
    public const string UrlSecretHash = "urlhash";

    public sealed record Settings(string? SellerId);

    public BillingProvider Provider => BillingProvider.Gumroad;

    public async Task<string?> ConnectAsync(string accountId, HttpRequest req, string webhookUrl, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync<Settings>(req, ct);
        var errors = new FieldErrors();
        if (body.SellerId is not { Length: > 0 and <= 128 } seller || seller.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            errors.Add("sellerId", "must be the Gumroad seller id (Settings → Advanced → Ping shows it as seller_id)");
        errors.ThrowIfAny();
        var secret = BearerTokens.New(prefix: "");
        await secrets.UpsertAsync(ProviderSecrets.Name(Provider, SellerId, accountId), body.SellerId!, ct);
        await secrets.UpsertAsync(ProviderSecrets.Name(Provider, UrlSecretHash, accountId), WebhookSignatures.Hash(secret), ct);
        return $"{webhookUrl}/{secret}";
    }
}
