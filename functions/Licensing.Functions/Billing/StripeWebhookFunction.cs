using System.Text;
using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Functions.Billing.Stripe;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Licensing.Functions.Billing;

/// <summary>
/// Stripe's webhook endpoint: verify the signature on the raw body, store the event (inbox), queue a slim message,
/// answer 200 — one write and one enqueue (<see cref="BillingIntake"/>), nothing else, before answering.
/// </summary>
public sealed class StripeWebhookFunction(ISecretStore secrets, BillingIntake intake, StripeEventParser parser, ILogger<StripeWebhookFunction> logger)
{
    public const long ToleranceSeconds = 300;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Function(nameof(StripeWebhook))]
    public async Task<IActionResult> StripeWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/stripe/{accountId}")] HttpRequest req, string accountId, CancellationToken ct)
    {
        var raw = await RequestBody.ReadRawAsync(req, ct);
        var secret = await WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.Stripe, StripeConnector.WebhookSecret, accountId, ct);

        Event stripeEvent;
        try
        {
            var json = StrictUtf8.GetString(raw);
            stripeEvent = EventUtility.ConstructEvent(json, req.Headers["Stripe-Signature"].ToString(), secret, ToleranceSeconds,
                throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or DecoderFallbackException or JsonException)
        {
            logger.LogWarning("Rejected a Stripe webhook for {AccountId}: {Reason}", accountId, e.Message);
            return WebhookAnswers.InvalidSignature(
                "the Stripe-Signature header does not verify this body with the account's signing secret (or is older than 300 s)");
        }

        return await intake.ReceiveAsync(parser, accountId, stripeEvent.Id, stripeEvent.Type,
            new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc)), raw, ct);
    }
}
