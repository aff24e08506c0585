using System.Text.Json;
using Licensing.Domain.Billing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using static Licensing.Functions.Billing.ProviderJson;

namespace Licensing.Functions.Billing.LemonSqueezy;

/// <summary>
/// What Lemon Squeezy's webhook does with a delivery: <c>X-Signature</c> = hex HMAC-SHA256(signing secret, raw body),
/// checked before anything else, then the event named and handed to <see cref="BillingIntake"/>. Lemon Squeezy sends no
/// event id or timestamp: an event is named by its event name, its resource id and the resource's <c>updated_at</c>, so a
/// redelivery is the same event and a later change of the resource a new one. The webhook route and the simulated
/// purchase both go through here.
/// </summary>
public sealed class LemonSqueezyInbound(ISecretStore secrets, BillingIntake intake, LemonSqueezyEventParser parser, ILogger<LemonSqueezyInbound> logger)
{
    /// <summary>The account's signing secret; 404 when Lemon Squeezy is not connected.</summary>
    public Task<string> SecretAsync(string accountId, CancellationToken ct) =>
        WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.LemonSqueezy, LemonSqueezyConnector.SigningSecret, accountId, ct);

    /// <param name="eventNameHeader">The <c>X-Event-Name</c> header, used when the body's <c>meta.event_name</c> is missing.</param>
    public async Task<IActionResult> ReceiveAsync(string accountId, byte[] raw, string signature, string? eventNameHeader, CancellationToken ct)
    {
        var secret = await SecretAsync(accountId, ct);
        if (!WebhookSignatures.HexHmacMatches(secret, raw, signature))
        {
            logger.LogWarning("Rejected a Lemon Squeezy webhook for {AccountId}: bad X-Signature", accountId);
            return WebhookAnswers.InvalidSignature("the X-Signature header is not the HMAC-SHA256 of this body with the account's signing secret");
        }
        string? name, id, updated;
        try
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            name = Str(root, "meta", "event_name") ?? eventNameHeader;
            id = IdText(root, "data", "id");
            updated = Str(root, "data", "attributes", "updated_at") ?? Str(root, "data", "attributes", "created_at");
        }
        catch (JsonException)
        {
            return WebhookAnswers.InvalidSignature("the body is not a Lemon Squeezy event (JSON:API document)");
        }
        return await intake.ReceiveAsync(parser, accountId, EventId(name, id, updated), name, Instant(updated), raw, ct);
    }

    /// <summary>The id an event is stored by: <c>&lt;event name&gt;:&lt;resource id&gt;@&lt;updated_at&gt;</c>.</summary>
    public static string? EventId(string? name, string? id, string? updated) =>
        id is null ? null : updated is null ? $"{name}:{id}" : $"{name}:{id}@{updated}";
}
