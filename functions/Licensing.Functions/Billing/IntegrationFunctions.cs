using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing;

/// <summary>
/// One payment provider's connection step: reads and validates the provider's settings (400 VALIDATION_FAILED naming
/// the field), stores them (secrets only through <see cref="ISecretStore"/>), and returns the URL the founder pastes
/// at the provider, or null where the contract answers 204 (Stripe).
/// </summary>
public interface IProviderConnector
{
    BillingProvider Provider { get; }

    /// <param name="webhookUrl">This app's webhook URL for the provider and account, as the caller reached the app.</param>
    Task<string?> ConnectAsync(string accountId, HttpRequest req, string webhookUrl, CancellationToken ct);
}

/// <summary>Account endpoint: <c>PUT /v1/integrations/{provider}</c> (failures and replay: <see cref="BillingFailureFunctions"/>).</summary>
public sealed class IntegrationFunctions(IEnumerable<IProviderConnector> connectors, RequestAuth auth)
{
    [Function(nameof(PutIntegration))]
    public async Task<IActionResult> PutIntegration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/integrations/{provider}")] HttpRequest req, string provider, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct)).AccountId;
        var connector = connectors.FirstOrDefault(c => c.Provider.ToWire() == provider)
            ?? throw new NotFoundException($"no payment provider '{provider}'");
        var url = await connector.ConnectAsync(accountId, req, WebhookUrl(req, provider, accountId), ct);
        return url is null ? new StatusOnlyResult(StatusCodes.Status204NoContent) : new ApiJsonResult(StatusCodes.Status200OK, new { webhookUrl = url });
    }

    /// <summary><c>{scheme}://{host}{routePrefix}/v1/webhooks/{provider}/{accountId}</c>, the prefix taken from the request's own path.</summary>
    private static string WebhookUrl(HttpRequest req, string provider, string accountId)
    {
        var path = req.PathBase.Add(req.Path).Value ?? "";
        var prefix = path[..Math.Max(0, path.IndexOf("/v1/integrations/", StringComparison.Ordinal))];
        return $"{req.Scheme}://{req.Host}{prefix}/v1/webhooks/{provider}/{accountId}";
    }
}
