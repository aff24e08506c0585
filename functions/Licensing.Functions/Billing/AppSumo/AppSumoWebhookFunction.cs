using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Domain.Billing.AppSumo;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>
/// AppSumo's webhook endpoint: verify <c>X-Appsumo-Signature</c> on the raw body, then store and queue the event
/// (<see cref="BillingIntake"/>) and answer <c>200 {"success": true, "event"}</c>. A test event (the partner portal's
/// check) is answered the same and stores nothing.
/// </summary>
public sealed class AppSumoWebhookFunction(AppSumoIntegration integration, BillingIntake intake, TimeProvider clock, ILogger<AppSumoWebhookFunction> logger)
{
    [Function(nameof(AppSumoWebhook))]
    public async Task<IActionResult> AppSumoWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/appsumo/{accountId}")] HttpRequest req, string accountId, CancellationToken ct)
    {
        var apiKey = await integration.RequireApiKeyAsync(accountId, ct);
        var raw = await RequestBody.ReadRawAsync(req, ct);
        var (timestamp, signature) = (req.Headers["X-Appsumo-Timestamp"].ToString(), req.Headers["X-Appsumo-Signature"].ToString());
        if (!AppSumoSignature.Verify(apiKey, timestamp, raw, signature, clock.GetUtcNow()))
        {
            logger.LogWarning("Rejected an AppSumo webhook for {AccountId}: the signature does not verify", accountId);
            return WebhookAnswers.InvalidSignature(
                "X-Appsumo-Signature is not the HMAC-SHA256 of X-Appsumo-Timestamp and this body with the account's AppSumo API key "
                + "(or the timestamp is more than 300 s away)");
        }
        AppSumoPayload payload;
        try
        {
            payload = AppSumoPayload.Parse(raw);
        }
        catch (Exception e) when (e is JsonException or BillingPermanentException)
        {
            throw ValidationFailedException.For("body", e is BillingPermanentException ? e.Message : "must be a JSON object");
        }
        if (!payload.Test && AppSumoPayload.Events.Contains(payload.Event))
            await intake.AcceptAsync(accountId, new ProviderRef(BillingProvider.AppSumo, payload.EventId), payload.Event, payload.OccurredAt, raw, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new { success = true, @event = payload.Event });
    }
}
