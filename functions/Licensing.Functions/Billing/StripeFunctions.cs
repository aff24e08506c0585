using System.Text;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Billing.Stripe;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Licensing.Functions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Licensing.Functions.Billing;

/// <summary>
/// Stripe's webhook endpoint: verify the signature on the raw body, store the event (inbox), queue a slim message,
/// answer 200 — one write and one enqueue, nothing else, before answering.
/// </summary>
public sealed class StripeWebhookFunction(ISecretStore secrets, IStripeInbox inbox, IStripeEventQueue queue, StripeEventParser parser, TimeProvider clock,
    ILogger<StripeWebhookFunction> logger)
{
    public const long ToleranceSeconds = 300;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Function(nameof(StripeWebhook))]
    public async Task<IActionResult> StripeWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/stripe/{accountId}")] HttpRequest req, string accountId, CancellationToken ct)
    {
        if (!Ids.IsAccountId(accountId)) throw new NotFoundException("no Stripe integration for this account");
        var raw = await RequestBody.ReadRawAsync(req, ct);
        var secret = await secrets.GetAsync(StripeSecrets.WebhookSecretName(accountId), ct)
            ?? throw new NotFoundException("no Stripe integration for this account: PUT /v1/integrations/stripe first");

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
            return new Problem(400, "INVALID_SIGNATURE", "Invalid Signature",
                "the Stripe-Signature header does not verify this body with the account's signing secret (or is older than 300 s)").ToResult();
        }

        if (!parser.HandledTypes.Contains(stripeEvent.Type))
            return new ApiJsonResult(StatusCodes.Status200OK, new { received = true, handled = false });

        await inbox.AddAsync(new StripeEventRecord
        {
            AccountId = accountId,
            EventId = stripeEvent.Id,
            Type = stripeEvent.Type,
            Created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc)),
            Body = raw,
            ReceivedAt = clock.GetUtcNow(),
        }, ct);
        // Queued even for a redelivery: if the first delivery stored but crashed before queuing, this completes it.
        await queue.EnqueueAsync(new StripeEventMessage(accountId, stripeEvent.Id), ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new { received = true, handled = true });
    }
}

/// <summary>Queue-triggered: provisions, renews, expires or revokes from one stored Stripe event, read by Stripe's parser.</summary>
public sealed class StripeEventFunctions(BillingEventProcessor processor, StripeEventParser parser, ILogger<StripeEventFunctions> logger)
{
    [Function(nameof(ProcessStripeEvent))]
    public async Task ProcessStripeEvent([QueueTrigger(QueueStorage.StripeEvents, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken ct)
    {
        var body = JsonSerializer.Deserialize<StripeEventMessage>(message.MessageText, Json.Options)
            ?? throw new InvalidOperationException("empty stripe-events message");
        var outcome = await processor.ProcessAsync(parser, body, message.DequeueCount, HostSettings.MaxDequeueCount, ct);
        logger.LogInformation("Stripe event {EventId} for {AccountId}: {Outcome}", body.EventId, body.AccountId, outcome);
    }
}

/// <summary>Account endpoints: connect Stripe, list processing failures, replay one.</summary>
public sealed class StripeIntegrationFunctions(ISecretStore secrets, IStripeFailures failures, IStripeInbox inbox, IStripeEventQueue queue, RequestAuth auth)
{
    public sealed record StripeIntegrationRequest(string? WebhookSecret, string? ApiKey);

    [Function(nameof(PutStripeIntegration))]
    public async Task<IActionResult> PutStripeIntegration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/integrations/stripe")] HttpRequest req, CancellationToken ct)
    {
        var accountId = await auth.RequireAccountAsync(req, ct);
        var body = await RequestBody.ReadJsonAsync<StripeIntegrationRequest>(req, ct);
        var errors = new FieldErrors();
        if (body.WebhookSecret is not { Length: > 6 and <= 256 } ws || !ws.StartsWith("whsec_", StringComparison.Ordinal))
            errors.Add("webhookSecret", "must be the endpoint's signing secret (whsec_...)");
        if (body.ApiKey is not null
            && (body.ApiKey.Length is < 8 or > 256
                || !(body.ApiKey.StartsWith("rk_", StringComparison.Ordinal) || body.ApiKey.StartsWith("sk_", StringComparison.Ordinal))))
            errors.Add("apiKey", "must be a Stripe restricted (rk_...) or secret (sk_...) key");
        errors.ThrowIfAny();
        await secrets.UpsertAsync(StripeSecrets.WebhookSecretName(accountId), body.WebhookSecret!, ct);
        if (body.ApiKey is not null) await secrets.UpsertAsync(StripeSecrets.ApiKeyName(accountId), body.ApiKey, ct);
        return new StatusOnlyResult(StatusCodes.Status204NoContent);
    }

    [Function(nameof(ListStripeFailures))]
    public async Task<IActionResult> ListStripeFailures(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/integrations/stripe/failures")] HttpRequest req, CancellationToken ct)
    {
        var accountId = await auth.RequireAccountAsync(req, ct);
        var items = await failures.ListAsync(accountId, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            items = items.OrderByDescending(f => f.FailedAt)
                .Select(f => new { eventId = f.EventId, type = f.Type, reason = f.Reason, attempts = f.Attempts, failedAt = f.FailedAt }),
        });
    }

    [Function(nameof(ReplayStripeFailure))]
    public async Task<IActionResult> ReplayStripeFailure(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/integrations/stripe/failures/{eventId}/replay")] HttpRequest req, string eventId,
        CancellationToken ct)
    {
        var accountId = await auth.RequireAccountAsync(req, ct);
        _ = await failures.GetAsync(accountId, eventId, ct) ?? throw new NotFoundException($"no failed event '{eventId}'");
        await inbox.ReopenAsync(accountId, eventId, ct);
        await failures.DeleteAsync(accountId, eventId, ct);
        await queue.EnqueueAsync(new StripeEventMessage(accountId, eventId), ct);
        return new ApiJsonResult(StatusCodes.Status202Accepted, new { eventId, replayed = true });
    }
}
