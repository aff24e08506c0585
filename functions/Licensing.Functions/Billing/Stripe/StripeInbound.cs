using System.Text;
using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Licensing.Functions.Billing.Stripe;

/// <summary>
/// What Stripe's webhook does with a delivery: verify the <c>Stripe-Signature</c> header on the raw body with the
/// account's signing secret, then hand the event to <see cref="BillingIntake"/> (store, queue, answer). The webhook
/// route and the dashboard's simulated purchase both go through here, so a simulated event passes the same check.
/// </summary>
public sealed class StripeInbound(ISecretStore secrets, BillingIntake intake, StripeEventParser parser, ILogger<StripeInbound> logger)
{
    public const long ToleranceSeconds = 300;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The account's signing secret; 404 when Stripe is not connected.</summary>
    public Task<string> SecretAsync(string accountId, CancellationToken ct) =>
        WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.Stripe, StripeConnector.WebhookSecret, accountId, ct);

    public async Task<IActionResult> ReceiveAsync(string accountId, byte[] raw, string signature, CancellationToken ct)
    {
        var secret = await SecretAsync(accountId, ct);
        Event stripeEvent;
        try
        {
            var json = StrictUtf8.GetString(raw);
            stripeEvent = EventUtility.ConstructEvent(json, signature, secret, ToleranceSeconds, throwOnApiVersionMismatch: false);
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
