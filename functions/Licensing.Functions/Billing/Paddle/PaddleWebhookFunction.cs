using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing.Paddle;

/// <summary>Paddle Billing's webhook: the raw body and its <c>Paddle-Signature</c>, verified and taken in by <see cref="PaddleInbound"/>.</summary>
public sealed class PaddleWebhookFunction(PaddleInbound inbound)
{
    [Function(nameof(PaddleWebhook))]
    public async Task<IActionResult> PaddleWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/paddle/{accountId}")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var raw = await RequestBody.ReadRawAsync(req, ct);
        return await inbound.ReceiveAsync(accountId, raw, req.Headers["Paddle-Signature"].ToString(), ct);
    }
}
