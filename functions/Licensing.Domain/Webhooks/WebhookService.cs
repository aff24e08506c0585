using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;

namespace Licensing.Domain.Webhooks;

/// <summary>
/// An account's webhook endpoints (register, list, delete, their deliveries, a test ping) and publishing an event to
/// every endpoint that subscribed to it: one delivery per endpoint, written once however often it is published.
/// </summary>
public sealed class WebhookService(IWebhookEndpointStore endpoints, IWebhookDeliveryStore deliveries, IWebhookQueue queue, ISecretStore secrets,
    WebhookPolicy policy, TimeProvider clock)
{
    public const int MaxDeliveriesListed = 100;

    /// <summary>Registers an endpoint; returns it with its secret, which is shown this once.</summary>
    public async Task<(WebhookEndpoint Endpoint, string Secret)> CreateAsync(string accountId, string? url, IReadOnlyList<string?>? events,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var uri = WebhookTargets.CheckUrl(url, policy.AllowLoopback, out var urlError);
        if (uri is null) errors.Add("url", urlError);
        var types = CheckEvents(events, errors);
        errors.ThrowIfAny();
        if ((await endpoints.ListAsync(accountId, ct).ConfigureAwait(false)).Count >= policy.MaxEndpoints)
            throw new ConflictException($"an account has at most {policy.MaxEndpoints} webhook endpoints; delete one first");
        var endpoint = new WebhookEndpoint
        {
            AccountId = accountId,
            Id = WebhookEndpoint.IdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Url = uri!.AbsoluteUri,
            Events = types,
            CreatedAt = clock.GetUtcNow(),
        };
        var secret = WebhookSignature.NewSecret();
        // The secret first: an endpoint is never stored without one.
        await secrets.UpsertAsync(WebhookSecrets.Name(accountId, endpoint.Id), secret, ct).ConfigureAwait(false);
        await endpoints.AddAsync(endpoint, ct).ConfigureAwait(false);
        return (endpoint, secret);
    }

    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string accountId, CancellationToken ct) => endpoints.ListAsync(accountId, ct);

    public async Task<WebhookEndpoint> GetAsync(string accountId, string endpointId, CancellationToken ct) =>
        (WebhookEndpoint.IsId(endpointId) ? await endpoints.GetAsync(accountId, endpointId, ct).ConfigureAwait(false) : null)
            ?? throw new NotFoundException($"webhook endpoint '{endpointId}' not found");

    /// <summary>Deletes the endpoint; deliveries still waiting for it are then dropped when their turn comes.</summary>
    public async Task DeleteAsync(string accountId, string endpointId, CancellationToken ct)
    {
        if (!WebhookEndpoint.IsId(endpointId) || !await endpoints.DeleteAsync(accountId, endpointId, ct).ConfigureAwait(false))
            throw new NotFoundException($"webhook endpoint '{endpointId}' not found");
    }

    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string accountId, string endpointId, CancellationToken ct)
    {
        var endpoint = await GetAsync(accountId, endpointId, ct).ConfigureAwait(false);
        return await deliveries.ListAsync(accountId, endpoint.Id, MaxDeliveriesListed, ct).ConfigureAwait(false);
    }

    /// <summary>Sends a <c>ping</c> to the endpoint (a new message each time); returns its delivery.</summary>
    public async Task<WebhookDelivery> PingAsync(string accountId, string endpointId, Func<DateTimeOffset, string> payload, CancellationToken ct)
    {
        var endpoint = await GetAsync(accountId, endpointId, ct).ConfigureAwait(false);
        if (!endpoint.Enabled) throw new ConflictException($"the endpoint is disabled ({endpoint.DisabledReason}); register it again");
        var now = clock.GetUtcNow();
        var id = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return await WriteAsync(endpoint, id, WebhookEvents.Ping, now, payload(now), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The endpoints of the account that receive <paramref name="type"/> (enabled and subscribed).
    /// </summary>
    public async Task<IReadOnlyList<WebhookEndpoint>> SubscribersAsync(string accountId, string type, CancellationToken ct) =>
        (await endpoints.ListAsync(accountId, ct).ConfigureAwait(false)).Where(e => e.Enabled && WebhookEvents.Receives(e.Events, type)).ToArray();

    /// <summary>
    /// One delivery of the event to each endpoint, keyed by <paramref name="eventId"/> (the change id) and the endpoint:
    /// publishing the same event again writes nothing new and only queues what is still waiting.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<WebhookEndpoint> to, string eventId, string type, DateTimeOffset at, string payload, CancellationToken ct)
    {
        foreach (var endpoint in to)
            await WriteAsync(endpoint, MessageIdFor(eventId, endpoint.Id), type, at, payload, ct).ConfigureAwait(false);
    }

    /// <summary>The <c>webhook-id</c> of an event's message to an endpoint: fixed by the two ids.</summary>
    public static string MessageIdFor(string eventId, string endpointId) =>
        "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{eventId}\n{endpointId}")).AsSpan(0, 16));

    private async Task<WebhookDelivery> WriteAsync(WebhookEndpoint endpoint, string messageId, string type, DateTimeOffset at, string payload,
        CancellationToken ct)
    {
        var delivery = new WebhookDelivery
        {
            AccountId = endpoint.AccountId,
            EndpointId = endpoint.Id,
            MessageId = messageId,
            Type = type,
            Payload = payload,
            CreatedAt = at,
        };
        var added = await deliveries.AddAsync(delivery, ct).ConfigureAwait(false);
        var stored = added ? delivery : await deliveries.GetAsync(endpoint.AccountId, delivery.Key, ct).ConfigureAwait(false);
        // Queued again when it is still waiting: the first publish may have stopped between the write and the queue.
        if (stored is { State: WebhookDelivery.Pending or WebhookDelivery.Sending })
            await queue.EnqueueAsync(endpoint.AccountId, delivery.Key, TimeSpan.Zero, ct).ConfigureAwait(false);
        return stored ?? delivery;
    }

    private static string[] CheckEvents(IReadOnlyList<string?>? events, FieldErrors errors)
    {
        if (events is null || events.Count == 0)
        {
            errors.Add("events", "is required: a list of event types, or [\"*\"] for all");
            return [];
        }
        var result = new List<string>();
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is { } e && WebhookEvents.Subscribable.Contains(e, StringComparer.Ordinal))
            {
                if (!result.Contains(e)) result.Add(e);
            }
            else errors.Add($"events[{i}]", "must be one of " + string.Join(", ", WebhookEvents.Subscribable));
        }
        return [.. result];
    }
}
