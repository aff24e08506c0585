using Licensing.Domain.Accounts;
using Licensing.Domain.Billing.AppSumo;
using Licensing.Domain.Common;
using Licensing.Domain.Products;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>Account endpoint: connect AppSumo Licensing; answers the URLs to paste in AppSumo's partner portal.</summary>
public sealed class AppSumoIntegrationFunction(AppSumoIntegration integration, IProductStore products, RequestAuth auth)
{
    public sealed record AppSumoIntegrationRequest(string? ApiKey, string? ProductId, string? ClientId, string? ClientSecret, string? RedirectUrl);

    [Function(nameof(PutAppSumoIntegration))]
    public async Task<IActionResult> PutAppSumoIntegration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/integrations/appsumo")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct)).AccountId;
        var body = await RequestBody.ReadJsonAsync<AppSumoIntegrationRequest>(req, ct);
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
        var api = ApiBase(req);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            webhookUrl = $"{api}/v1/webhooks/appsumo/{accountId}",
            oauthRedirectUrl = body.RedirectUrl ?? $"{api}/v1/appsumo/{accountId}/oauth",
        });
    }

    /// <summary><c>{scheme}://{host}{routePrefix}</c>, the prefix taken from the request's own path.</summary>
    private static string ApiBase(HttpRequest req)
    {
        var path = req.PathBase.Add(req.Path).Value ?? "";
        return $"{req.Scheme}://{req.Host}{path[..Math.Max(0, path.IndexOf("/v1/integrations/", StringComparison.Ordinal))]}";
    }
}
