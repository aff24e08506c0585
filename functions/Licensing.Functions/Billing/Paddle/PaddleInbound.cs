using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Licensing.Functions.Billing.ProviderJson;

namespace Licensing.Functions.Billing.Paddle;

/// <summary>
/// What Paddle Billing's webhook does with a delivery: <c>Paddle-Signature</c> checked on the raw body
/// (<see cref="PaddleSignature"/>, tolerance <see cref="LicensingOptions.PaddleToleranceSeconds"/>), then the envelope
/// <c>{event_id, event_type, occurred_at, notification_id, data}</c> handed to <see cref="BillingIntake"/> by <c>event_id</c>
/// (a redelivery, or a replay of the same event to another destination, is the same event). The webhook route and the
/// simulated purchase both go through here.
/// </summary>
public sealed class PaddleInbound(ISecretStore secrets, BillingIntake intake, PaddleEventParser parser, IOptions<LicensingOptions> options,
    TimeProvider clock, ILogger<PaddleInbound> logger)
{
    /// <summary>The destination's secret; 404 when Paddle is not connected.</summary>
    public Task<string> SecretAsync(string accountId, CancellationToken ct) =>
        WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.Paddle, PaddleConnector.WebhookSecret, accountId, ct);

    public async Task<IActionResult> ReceiveAsync(string accountId, byte[] raw, string signature, CancellationToken ct)
    {
        var secret = await SecretAsync(accountId, ct);
        var tolerance = TimeSpan.FromSeconds(options.Value.PaddleToleranceSeconds);
        if (!PaddleSignature.Verify(signature, raw, secret, clock.GetUtcNow(), tolerance))
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
