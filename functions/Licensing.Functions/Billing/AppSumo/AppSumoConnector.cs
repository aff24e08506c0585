using Licensing.Domain.Billing;
using Licensing.Domain.Billing.AppSumo;
using Licensing.Domain.Common;
using Licensing.Domain.Products;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>
/// <c>PUT /v1/integrations/appsumo { apiKey, productId, clientId?, clientSecret?, redirectUrl? }</c> → 200 { webhookUrl }.
/// <c>productId</c> must be a product of the account; the OAuth redirect is <c>/v1/appsumo/{accountId}/oauth</c> unless
/// <c>redirectUrl</c> names the founder's own page (docs/providers/appsumo.md).
/// </summary>
public sealed class AppSumoConnector(AppSumoIntegration integration, IProductStore products) : IProviderConnector
{
    public sealed record Settings(string? ApiKey, string? ProductId, string? ClientId, string? ClientSecret, string? RedirectUrl);

    public BillingProvider Provider => BillingProvider.AppSumo;

    public async Task<string?> ConnectAsync(string accountId, HttpRequest req, string webhookUrl, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync<Settings>(req, ct);
        var errors = new FieldErrors();
        if (body.ApiKey is not { Length: >= 8 and <= 256 } key || key.Any(char.IsControl)) errors.Add("apiKey", "must be the product's AppSumo API key");
        if (!Naming.IsSlug(body.ProductId)) errors.Add("productId", "is required: 1-64 characters of a-z, 0-9 and '-'");
        if (body.ClientId is { } id && (id.Length is 0 or > 256 || id.Any(char.IsControl)))
            errors.Add("clientId", "must be the OAuth client id (1-256 characters)");
        if (body.ClientSecret is { } cs && (cs.Length is 0 or > 256 || cs.Any(char.IsControl)))
            errors.Add("clientSecret", "must be the OAuth client secret (1-256 characters)");
        if (body.RedirectUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && url.Length <= 2048))
            errors.Add("redirectUrl", "must be the absolute http(s) OAuth redirect URL saved in AppSumo's partner portal");
        errors.ThrowIfAny();
        if (await products.GetAsync(accountId, body.ProductId!, ct) is null)
            throw ValidationFailedException.For("productId", $"unknown product '{body.ProductId}'");
        await integration.SaveAsync(accountId, body.ApiKey!, new AppSumoSettings(body.ProductId!, body.ClientId, body.RedirectUrl), body.ClientSecret, ct);
        return webhookUrl;
    }
}
