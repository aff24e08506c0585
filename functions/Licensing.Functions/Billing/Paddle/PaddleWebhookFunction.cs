using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Licensing.Functions.Billing.ProviderJson;

namespace Licensing.Functions.Billing.Paddle;

/// <summary>
/// Paddle Billing's webhook: <c>Paddle-Signature</c> checked on the raw body (<see cref="PaddleSignature"/>, tolerance
/// <see cref="LicensingOptions.PaddleToleranceSeconds"/>), then the envelope <c>{event_id, event_type, occurred_at,
/// notification_id, data}</c> is stored by <c>event_id</c> (a redelivery, or a replay of the same event to another
/// destination, is the same event).
/// </summary>
public sealed class PaddleWebhookFunction(ISecretStore secrets, BillingIntake intake, PaddleEventParser parser, IOptions<LicensingOptions> options,
    TimeProvider clock, ILogger<PaddleWebhookFunction> logger)
{
    [Function(nameof(PaddleWebhook))]
    public async Task<IActionResult> PaddleWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/paddle/{accountId}")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var raw = await RequestBody.ReadRawAsync(req, ct);
        var secret = await WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.Paddle, PaddleConnector.WebhookSecret, accountId, ct);
        var tolerance = TimeSpan.FromSeconds(options.Value.PaddleToleranceSeconds);
        if (!PaddleSignature.Verify(req.Headers["Paddle-Signature"].ToString(), raw, secret, clock.GetUtcNow(), tolerance))
        {
            logger.LogWarning("Rejected a Paddle webhook for {AccountId}: bad or stale Paddle-Signature", accountId);
            return WebhookAnswers.InvalidSignature(
                $"the Paddle-Signature header does not verify this body with the account's secret (or is older than {tolerance.TotalSeconds} s)");
        }
        string? eventId, type;
        DateTimeOffset? occurred;
        try
        {
            using var document = JsonDocument.Parse(raw);
            (eventId, type, occurred) = (Str(document.RootElement, "event_id"), Str(document.RootElement, "event_type"),
                Instant(document.RootElement, "occurred_at"));
        }
        catch (JsonException)
        {
            return WebhookAnswers.InvalidSignature("the body is not a Paddle event");
        }
        return await intake.ReceiveAsync(parser, accountId, eventId, type, occurred, raw, ct);
    }
}
