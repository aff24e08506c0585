namespace Licensing.Domain.Webhooks;

public interface IWebhookEndpointStore
{
    /// <summary>Adds the endpoint; its id is new, so this never finds one there.</summary>
    Task AddAsync(WebhookEndpoint endpoint, CancellationToken ct);

    Task<WebhookEndpoint?> GetAsync(string accountId, string endpointId, CancellationToken ct);

    Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string accountId, CancellationToken ct);

    /// <summary>Conditional on <see cref="WebhookEndpoint.Version"/>; <see cref="Common.ConcurrencyException"/> if it changed or is gone.</summary>
    Task<WebhookEndpoint> ReplaceAsync(WebhookEndpoint endpoint, CancellationToken ct);

    /// <summary>False when there was no such endpoint.</summary>
    Task<bool> DeleteAsync(string accountId, string endpointId, CancellationToken ct);
}

public interface IWebhookDeliveryStore
{
    /// <summary>Adds the delivery unless one with its key exists; true when added.</summary>
    Task<bool> AddAsync(WebhookDelivery delivery, CancellationToken ct);

    Task<WebhookDelivery?> GetAsync(string accountId, string key, CancellationToken ct);

    /// <summary>An endpoint's deliveries, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListAsync(string accountId, string endpointId, int limit, CancellationToken ct);

    /// <summary>Conditional on <see cref="WebhookDelivery.Version"/>; <see cref="Common.ConcurrencyException"/> if it changed.</summary>
    Task<WebhookDelivery> ReplaceAsync(WebhookDelivery delivery, CancellationToken ct);
}

/// <summary>The queue of deliveries to attempt, with an optional delay (the wait before a retry).</summary>
public interface IWebhookQueue
{
    Task EnqueueAsync(string accountId, string deliveryKey, TimeSpan delay, CancellationToken ct);
}

/// <summary>What one attempt got back: the HTTP status, or why there was none (timeout, refused target, connection error).</summary>
public sealed record WebhookResponse(int? Status, string? Error)
{
    public bool Delivered => Status is >= 200 and < 300;
}

/// <summary>Makes one attempt: POST the body with the Standard Webhooks headers, no redirects followed.</summary>
public interface IWebhookSender
{
    Task<WebhookResponse> SendAsync(Uri url, WebhookMessage message, CancellationToken ct);
}

/// <summary>One signed attempt: the headers <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c> and the body.</summary>
public sealed record WebhookMessage(string Id, long Timestamp, string Signature, string Body);
