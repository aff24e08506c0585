using Licensing.Domain.Billing;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Functions.Billing;

/// <summary>
/// The shared half of every provider's webhook, once the provider's own check has verified the raw body: store the
/// event in the inbox keyed by provider and event id, and queue the slim message. One write and one enqueue.
/// </summary>
public sealed class BillingIntake(IBillingInbox inbox, IBillingEventQueue queue, TimeProvider clock)
{
    /// <summary>
    /// A verified event: stored and queued when the provider's parser handles its type, else only acknowledged.
    /// <paramref name="created"/> is when the provider says it happened; when it does not say, now.
    /// </summary>
    public async Task<IActionResult> ReceiveAsync(IBillingEventParser parser, string accountId, string? eventId, string? type, DateTimeOffset? created,
        byte[] raw, CancellationToken ct)
    {
        if (eventId is null || type is null || !parser.HandledTypes.Contains(type)) return WebhookAnswers.Received(handled: false);
        await AcceptAsync(accountId, new ProviderRef(parser.Provider, eventId), type, created ?? clock.GetUtcNow(), raw, ct);
        return WebhookAnswers.Received(handled: true);
    }

    public async Task AcceptAsync(string accountId, ProviderRef evt, string type, DateTimeOffset created, byte[] raw, CancellationToken ct)
    {
        await inbox.AddAsync(new BillingEventRecord
        {
            AccountId = accountId,
            Provider = evt.Provider,
            EventId = evt.Id,
            Type = type,
            Created = created,
            Body = raw,
            ReceivedAt = clock.GetUtcNow(),
        }, ct);
        // Queued even for a redelivery: if the first delivery stored but crashed before queuing, this completes it.
        await queue.EnqueueAsync(BillingEventMessage.For(accountId, evt), ct);
    }
}
