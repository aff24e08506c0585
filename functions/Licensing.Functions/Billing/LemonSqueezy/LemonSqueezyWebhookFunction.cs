using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using static Licensing.Functions.Billing.ProviderJson;

namespace Licensing.Functions.Billing.LemonSqueezy;

/// <summary>
/// Lemon Squeezy's webhook: <c>X-Signature</c> = hex HMAC-SHA256(signing secret, raw body), checked before anything
/// else. Lemon Squeezy sends no event id or timestamp: an event is named by its event name, its resource id and the
/// resource's <c>updated_at</c>, so a redelivery is the same event and a later change of the resource a new one.
/// </summary>
public sealed class LemonSqueezyWebhookFunction(ISecretStore secrets, BillingIntake intake, LemonSqueezyEventParser parser,
    ILogger<LemonSqueezyWebhookFunction> logger)
{
    [Function(nameof(LemonSqueezyWebhook))]
    public async Task<IActionResult> LemonSqueezyWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/lemonsqueezy/{accountId}")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var raw = await RequestBody.ReadRawAsync(req, ct);
        var secret = await WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.LemonSqueezy, LemonSqueezyConnector.SigningSecret, accountId, ct);
        if (!WebhookSignatures.HexHmacMatches(secret, raw, req.Headers["X-Signature"].ToString()))
        {
            logger.LogWarning("Rejected a Lemon Squeezy webhook for {AccountId}: bad X-Signature", accountId);
            return WebhookAnswers.InvalidSignature("the X-Signature header is not the HMAC-SHA256 of this body with the account's signing secret");
        }
        string? name, id, updated;
        try
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            name = Str(root, "meta", "event_name") ?? req.Headers["X-Event-Name"].ToString();
            id = IdText(root, "data", "id");
            updated = Str(root, "data", "attributes", "updated_at") ?? Str(root, "data", "attributes", "created_at");
        }
        catch (JsonException)
        {
            return WebhookAnswers.InvalidSignature("the body is not a Lemon Squeezy event (JSON:API document)");
        }
        var eventId = id is null ? null : updated is null ? $"{name}:{id}" : $"{name}:{id}@{updated}";
        return await intake.ReceiveAsync(parser, accountId, eventId, name, Instant(updated), raw, ct);
    }
}
