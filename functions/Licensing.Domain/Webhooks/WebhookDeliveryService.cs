using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Domain.Telemetry;

namespace Licensing.Domain.Webhooks;

/// <summary>
/// Delivers one queued message, the way the e-mail outbox does: a claim (so two copies of a queue message make one
/// attempt), the attempt, the outcome recorded. 2xx is delivered; 410 disables the endpoint; any other answer, a
/// timeout or a refused target is retried on <see cref="WebhookSchedule"/>, and when the schedule runs out the endpoint
/// is disabled and the founder told (<see cref="WebhookDisabling"/>). A crash after an attempt but before its outcome
/// is recorded repeats the attempt, with the same <c>webhook-id</c>: at least once, never lost.
/// </summary>
public sealed class WebhookDeliveryService(IWebhookDeliveryStore deliveries, IWebhookEndpointStore endpoints, IWebhookQueue queue, IWebhookSender sender,
    ISecretStore secrets, WebhookDisabling disabling, WebhookPolicy policy, TimeProvider clock)
{
    /// <summary>Delivers the message if it is due; returns what happened (for logs and tests).</summary>
    public Task<string> DeliverAsync(string accountId, string key, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            var now = clock.GetUtcNow();
            var delivery = await deliveries.GetAsync(accountId, key, token).ConfigureAwait(false);
            switch (delivery)
            {
                case null: return "missing";
                case { State: WebhookDelivery.Delivered }: return "already delivered";
                case { State: WebhookDelivery.Failed }: return "gave up";
                case { State: WebhookDelivery.Sending, ClaimedUntil: { } until } when until > now:
                    return await LaterAsync(delivery, until - now, "claimed by another delivery", token).ConfigureAwait(false);
                case { NextAttemptAt: { } due } when due > now:
                    return await LaterAsync(delivery, due - now, "not due yet", token).ConfigureAwait(false);
            }
            var endpoint = await endpoints.GetAsync(accountId, delivery.EndpointId, token).ConfigureAwait(false);
            if (endpoint is not { Enabled: true })
            {
                var why = endpoint is null ? "the endpoint was deleted" : "the endpoint is disabled";
                await deliveries.ReplaceAsync(delivery with { State = WebhookDelivery.Failed, ClaimedUntil = null, LastError = why }, token)
                    .ConfigureAwait(false);
                return "dropped: " + why;
            }
            var secret = await secrets.GetAsync(WebhookSecrets.Name(accountId, endpoint.Id), token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"the secret of webhook endpoint {endpoint.Id} is missing");
            var claimed = await deliveries.ReplaceAsync(delivery with
            {
                State = WebhookDelivery.Sending,
                ClaimedUntil = now + WebhookPolicy.ClaimLease,
                Attempts = delivery.Attempts + 1,
                LastAttemptAt = now,
            }, token).ConfigureAwait(false);
            var timestamp = now.ToUnixTimeSeconds();
            var message = new WebhookMessage(claimed.MessageId, timestamp, WebhookSignature.Sign(secret, claimed.MessageId, timestamp, claimed.Payload),
                claimed.Payload);
            WebhookResponse response;
            try
            {
                response = await sender.SendAsync(new Uri(endpoint.Url), message, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Shutting down mid-attempt: give the claim back so the next copy of the message need not wait out the lease.
                try
                {
                    await deliveries.ReplaceAsync(claimed with { State = WebhookDelivery.Pending, ClaimedUntil = null }, CancellationToken.None)
                        .ConfigureAwait(false);
                }
                catch (Exception) { /* the lease expires on its own */ }
                throw;
            }
            return await RecordAsync(claimed, endpoint, response, token).ConfigureAwait(false);
        }, ct);

    private async Task<string> RecordAsync(WebhookDelivery claimed, WebhookEndpoint endpoint, WebhookResponse response, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var attempted = claimed with { ClaimedUntil = null, ResponseStatus = response.Status, LastError = response.Error };
        if (response.Delivered)
        {
            await deliveries.ReplaceAsync(attempted with { State = WebhookDelivery.Delivered, DeliveredAt = now, NextAttemptAt = null }, ct)
                .ConfigureAwait(false);
            return $"delivered ({response.Status})";
        }
        var outcome = response.Status is { } s ? $"HTTP {s}" : response.Error ?? "no answer";
        var wait = response.Status == 410 ? null : WebhookSchedule.After(claimed.Attempts, Random.Shared.NextDouble());
        LicensingMetrics.WebhookDeliveryFailed(final: wait is null);
        if (wait is null)
        {
            await deliveries.ReplaceAsync(attempted with { State = WebhookDelivery.Failed, NextAttemptAt = null }, ct).ConfigureAwait(false);
            var reason = response.Status == 410 ? "the endpoint answered 410 Gone" : $"all {claimed.Attempts} attempts failed (the last: {outcome})";
            await disabling.DisableAsync(endpoint, reason, ct).ConfigureAwait(false);
            return $"gave up after attempt {claimed.Attempts}: {outcome}; endpoint disabled";
        }
        var next = await deliveries.ReplaceAsync(attempted with { State = WebhookDelivery.Pending, NextAttemptAt = now + wait.Value }, ct)
            .ConfigureAwait(false);
        await queue.EnqueueAsync(next.AccountId, next.Key, policy.QueueDelay(wait.Value), ct).ConfigureAwait(false);
        return $"attempt {claimed.Attempts} failed ({outcome}), next in {wait.Value}";
    }

    private async Task<string> LaterAsync(WebhookDelivery delivery, TimeSpan wait, string why, CancellationToken ct)
    {
        await queue.EnqueueAsync(delivery.AccountId, delivery.Key, policy.QueueDelay(wait), ct).ConfigureAwait(false);
        return why;
    }
}
