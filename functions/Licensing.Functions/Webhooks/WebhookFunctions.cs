using Licensing.Domain.Accounts;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Webhooks;

/// <summary>Account endpoints for outbound webhooks: register, list, delete, deliveries, test. Every one needs <c>webhooks:write</c>.</summary>
public sealed class WebhookFunctions(WebhookService webhooks, RequestAuth auth)
{
    public sealed record CreateEndpointRequest(string? Url, List<string?>? Events);

    [Function(nameof(CreateWebhookEndpoint))]
    public async Task<IActionResult> CreateWebhookEndpoint(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhook-endpoints")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.WebhooksWrite, ct)).AccountId;
        var body = await RequestBody.ReadJsonAsync<CreateEndpointRequest>(req, ct);
        var (endpoint, secret) = await webhooks.CreateAsync(accountId, body.Url, body.Events, ct);
        return new ApiJsonResult(StatusCodes.Status201Created,
            new { id = endpoint.Id, url = endpoint.Url, events = endpoint.Events, secret, createdAt = endpoint.CreatedAt });
    }

    [Function(nameof(ListWebhookEndpoints))]
    public async Task<IActionResult> ListWebhookEndpoints(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/webhook-endpoints")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.WebhooksWrite, ct)).AccountId;
        var items = (await webhooks.ListAsync(accountId, ct)).OrderBy(e => e.CreatedAt).Select(e => new
        {
            id = e.Id,
            url = e.Url,
            events = e.Events,
            createdAt = e.CreatedAt,
            status = e.Enabled ? "enabled" : "disabled",
            disabledAt = e.DisabledAt,
            disabledReason = e.DisabledReason,
        });
        return new ApiJsonResult(StatusCodes.Status200OK, new { items });
    }

    [Function(nameof(DeleteWebhookEndpoint))]
    public async Task<IActionResult> DeleteWebhookEndpoint(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/webhook-endpoints/{endpointId}")] HttpRequest req, string endpointId,
        CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.WebhooksWrite, ct)).AccountId;
        await webhooks.DeleteAsync(accountId, endpointId, ct);
        return new StatusOnlyResult(StatusCodes.Status204NoContent);
    }

    [Function(nameof(ListWebhookDeliveries))]
    public async Task<IActionResult> ListWebhookDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/webhook-endpoints/{endpointId}/deliveries")] HttpRequest req, string endpointId,
        CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.WebhooksWrite, ct)).AccountId;
        var items = (await webhooks.DeliveriesAsync(accountId, endpointId, ct)).Select(d => new
        {
            id = d.MessageId,
            type = d.Type,
            attempts = d.Attempts,
            status = d.PublicState,
            responseStatus = d.ResponseStatus,
            at = d.CreatedAt,
            lastAttemptAt = d.LastAttemptAt,
            nextAttemptAt = d.PublicState == WebhookDelivery.Pending ? d.NextAttemptAt : null,
            deliveredAt = d.DeliveredAt,
            error = d.LastError,
        });
        return new ApiJsonResult(StatusCodes.Status200OK, new { items });
    }

    [Function(nameof(TestWebhookEndpoint))]
    public async Task<IActionResult> TestWebhookEndpoint(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhook-endpoints/{endpointId}/test")] HttpRequest req, string endpointId,
        CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.WebhooksWrite, ct)).AccountId;
        var delivery = await webhooks.PingAsync(accountId, endpointId, WebhookPayloads.Ping, ct);
        return new ApiJsonResult(StatusCodes.Status202Accepted, new { id = delivery.MessageId, type = delivery.Type, status = delivery.PublicState });
    }
}
