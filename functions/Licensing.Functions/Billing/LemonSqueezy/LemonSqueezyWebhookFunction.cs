using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing.LemonSqueezy;

/// <summary>Lemon Squeezy's webhook: the raw body and its headers, verified and taken in by <see cref="LemonSqueezyInbound"/>.</summary>
public sealed class LemonSqueezyWebhookFunction(LemonSqueezyInbound inbound)
{
    [Function(nameof(LemonSqueezyWebhook))]
    public async Task<IActionResult> LemonSqueezyWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/lemonsqueezy/{accountId}")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var raw = await RequestBody.ReadRawAsync(req, ct);
        return await inbound.ReceiveAsync(accountId, raw, req.Headers["X-Signature"].ToString(), req.Headers["X-Event-Name"].ToString(), ct);
    }
}
