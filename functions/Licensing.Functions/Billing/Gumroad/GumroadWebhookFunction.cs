using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing.Gumroad;

/// <summary>Gumroad's Ping and resource notifications: the raw body and the URL's secret, verified and taken in by <see cref="GumroadInbound"/>.</summary>
public sealed class GumroadWebhookFunction(GumroadInbound inbound)
{
    [Function(nameof(GumroadWebhook))]
    public async Task<IActionResult> GumroadWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/gumroad/{accountId}/{secret}")] HttpRequest req, string accountId,
        string secret, CancellationToken ct)
    {
        var raw = await RequestBody.ReadRawAsync(req, ct);
        return await inbound.ReceiveAsync(accountId, new GumroadCaller.Url(secret), raw, ct);
    }
}
