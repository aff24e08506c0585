using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Functions.Billing;

/// <summary>The answers every provider's webhook gives, and the integration lookup they share.</summary>
public static class WebhookAnswers
{
    public static IActionResult InvalidSignature(string detail) => new Problem(400, "INVALID_SIGNATURE", "Invalid Signature", detail).ToResult();

    public static IActionResult Received(bool handled) => new ApiJsonResult(StatusCodes.Status200OK, new { received = true, handled });

    /// <summary>The account's stored setting that authenticates the provider's requests; 404 when the account never connected the provider.</summary>
    public static async Task<string> RequireSettingAsync(ISecretStore secrets, BillingProvider provider, string kind, string accountId, CancellationToken ct) =>
        (Ids.IsAccountId(accountId) ? await secrets.GetAsync(ProviderSecrets.Name(provider, kind, accountId), ct) : null)
            ?? throw new NotFoundException($"no {provider.ToWire()} integration for this account: PUT /v1/integrations/{provider.ToWire()} first");
}
