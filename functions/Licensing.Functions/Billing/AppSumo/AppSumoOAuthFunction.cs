using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>
/// Public: AppSumo's OAuth redirect. Without <c>code</c> (the partner portal's check) a small page, 200. With it: the
/// code is exchanged for a token, the customer's license key read from AppSumo, and the license shown; when AppSumo
/// names the customer's e-mail and the license has none yet, the license takes it and the key is e-mailed.
/// </summary>
public sealed class AppSumoOAuthFunction(AppSumoIntegration integration, AppSumoClient appSumo, IBillingLinks links, LicenseService licenses,
    IProductStore products, AppSumoKeyEmail email, AbuseGuard guard)
{
    [Function(nameof(AppSumoOAuth))]
    public async Task<IActionResult> AppSumoOAuth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/appsumo/{accountId}/oauth")] HttpRequest req, string accountId, CancellationToken ct)
    {
        guard.CheckAddress(ClientAddress.Of(req));
        var settings = await integration.RequireSettingsAsync(accountId, ct);
        var code = req.Query["code"].ToString();
        if (code.Length == 0) return AppSumoPages.Ready();
        if (code.Length > 512) throw ValidationFailedException.For("code", "is not an AppSumo authorization code");
        var secret = await integration.GetClientSecretAsync(accountId, ct);
        if (settings.ClientId is null || secret is null)
            throw new NotFoundException("AppSumo OAuth is not set up for this account: PUT /v1/integrations/appsumo with clientId and clientSecret");

        var redirect = settings.RedirectUrl ?? $"{req.Scheme}://{req.Host}{req.PathBase.Add(req.Path)}";
        var token = await appSumo.ExchangeAsync(settings.ClientId, secret, code, redirect, ct);
        var (key, status) = await appSumo.GetLicenseAsync(token.AccessToken, ct);
        var licenseId = await links.GetAsync(accountId, new ProviderRef(BillingProvider.AppSumo, key).LinkKey, ct);
        var license = licenseId is null ? null : await licenses.GetAsync(accountId, licenseId, ct);
        var product = await products.GetAsync(accountId, license?.ProductId ?? settings.ProductId, ct);
        if (license is not null && AppSumoClient.EmailOf(token.IdToken) is { } address && license.CustomerEmail.Length == 0)
        {
            license = await licenses.ApplyAsync(accountId, license.Id, (l, _) => l.CustomerEmail.Length == 0 ? l with { CustomerEmail = address } : null, ct);
            await email.QueueAsync(license, product, key, ct);
        }
        var plan = license is null ? null : product?.FindPlan(license.Plan)?.Name ?? license.Plan;
        return AppSumoPages.License(product?.Name ?? settings.ProductId, plan, key, status,
            license?.CustomerEmail is { Length: > 0 } sent ? sent : null, license is not null);
    }
}
