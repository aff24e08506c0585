namespace Licensing.Management;

/// <summary>A webhook endpoint as <c>GET /v1/webhook-endpoints</c> lists it (never its secret).</summary>
public sealed record WebhookEndpoint(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string? Status,
    DateTimeOffset? DisabledAt, string? DisabledReason);

/// <summary><c>POST /v1/webhook-endpoints</c>'s answer: the only time the signing secret is shown.</summary>
public sealed record WebhookEndpointCreated(string Id, string Url, IReadOnlyList<string> Events, string Secret, DateTimeOffset CreatedAt);

/// <summary>One message to an endpoint and how its delivery went (<c>GET /v1/webhook-endpoints/{id}/deliveries</c>).</summary>
public sealed record WebhookDelivery(string Id, string Type, int Attempts, string Status, int? ResponseStatus, DateTimeOffset At,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, string? Error);

/// <summary>The outbound webhook routes (scope <c>webhooks:write</c>; docs/webhooks.md).</summary>
public sealed partial class ManagementClient
{
    /// <summary>The event types an endpoint may subscribe to (<c>WebhookEventType</c> in docs/openapi.yaml), <c>*</c> first.</summary>
    public static IReadOnlyList<string> WebhookEventTypes { get; } =
    [
        "*", "license.created", "license.updated", "license.suspended", "license.reinstated", "license.revoked", "license.renewed",
        "license.expired", "license.deleted", "activation.created", "activation.deleted", "license.sharing_suspected", "usage.limit_reached",
    ];

    public Task<WebhookEndpointCreated> CreateWebhookEndpointAsync(string url, IReadOnlyList<string> events, CancellationToken ct = default) =>
        SendAsync<WebhookEndpointCreated>(HttpMethod.Post, "v1/webhook-endpoints", new { url, events }, ct)!;

    public async Task<IReadOnlyList<WebhookEndpoint>> ListWebhookEndpointsAsync(CancellationToken ct = default) =>
        (await SendAsync<Page<WebhookEndpoint>>(HttpMethod.Get, "v1/webhook-endpoints", null, ct))!.Items;

    public async Task<IReadOnlyList<WebhookDelivery>> ListWebhookDeliveriesAsync(string endpointId, CancellationToken ct = default) =>
        (await SendAsync<Page<WebhookDelivery>>(HttpMethod.Get, $"v1/webhook-endpoints/{Esc(endpointId)}/deliveries", null, ct))!.Items;

    /// <summary><c>POST /v1/webhook-endpoints/{id}/test</c>: queues a <c>ping</c>; its webhook-id.</summary>
    public async Task<string?> PingWebhookEndpointAsync(string endpointId, CancellationToken ct = default) =>
        (await SendAsync<System.Text.Json.Nodes.JsonObject>(HttpMethod.Post, $"v1/webhook-endpoints/{Esc(endpointId)}/test", null, ct))
            ?["id"]?.GetValue<string>();

    public async Task DeleteWebhookEndpointAsync(string endpointId, CancellationToken ct = default)
    {
        using var _ = await RawAsync(HttpMethod.Delete, $"v1/webhook-endpoints/{Esc(endpointId)}", null, ct);
    }
}
