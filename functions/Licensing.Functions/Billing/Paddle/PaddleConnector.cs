using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Billing.Paddle;

/// <summary>
/// <c>PUT /v1/integrations/paddle { webhookSecret, apiKey?, sandbox? }</c> → 200 { webhookUrl }. <c>sandbox: true</c>
/// marks the account's Paddle events as test mode and reads customers from Paddle's sandbox API.
/// </summary>
public sealed class PaddleConnector(ISecretStore secrets) : IProviderConnector
{
    public const string WebhookSecret = "webhook";
    public const string ApiKey = "apikey";
    public const string Sandbox = "sandbox";

    public sealed record Settings(string? WebhookSecret, string? ApiKey, bool? Sandbox);

    public BillingProvider Provider => BillingProvider.Paddle;

    /// <summary>Whether the account connected Paddle's sandbox: Paddle marks no event as a test, its sandbox environment is the test mode.</summary>
    public static async Task<bool> IsSandboxAsync(ISecretStore secrets, string accountId, CancellationToken ct) =>
        await secrets.GetAsync(ProviderSecrets.Name(BillingProvider.Paddle, Sandbox, accountId), ct) == "true";

    public async Task<string?> ConnectAsync(string accountId, HttpRequest req, string webhookUrl, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync<Settings>(req, ct);
        var errors = new FieldErrors();
        if (body.WebhookSecret is not { Length: > 11 and <= 256 } ws || !ws.StartsWith("pdl_ntfset_", StringComparison.Ordinal))
            errors.Add("webhookSecret", "must be the notification destination's secret key (pdl_ntfset_...)");
        if (body.ApiKey is not null && (body.ApiKey.Length is < 8 or > 256 || body.ApiKey.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
            errors.Add("apiKey", "must be a Paddle API key with customer read permission");
        errors.ThrowIfAny();
        await secrets.UpsertAsync(ProviderSecrets.Name(Provider, WebhookSecret, accountId), body.WebhookSecret!, ct);
        if (body.ApiKey is not null) await secrets.UpsertAsync(ProviderSecrets.Name(Provider, ApiKey, accountId), body.ApiKey, ct);
        await secrets.UpsertAsync(ProviderSecrets.Name(Provider, Sandbox, accountId), body.Sandbox == true ? "true" : "false", ct);
        return webhookUrl;
    }
}
