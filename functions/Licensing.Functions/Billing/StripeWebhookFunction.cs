using Licensing.Domain.Common;
using Licensing.Functions.Billing.Stripe;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing;

/// <summary>
/// Stripe's webhook endpoint: verify the signature on the raw body, store the event (inbox), queue a slim message,
/// answer 200 — one write and one enqueue (<see cref="BillingIntake"/>), nothing else, before answering.
/// </summary>
public sealed class StripeWebhookFunction(StripeInbound inbound)
{
    [Function(nameof(StripeWebhook))]
    public async Task<IActionResult> StripeWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/stripe/{accountId}")] HttpRequest req, string accountId, CancellationToken ct)
    {
        if (!Ids.IsAccountId(accountId)) throw new NotFoundException("no Stripe integration for this account");
        var raw = await RequestBody.ReadRawAsync(req, ct);
        return await inbound.ReceiveAsync(accountId, raw, req.Headers["Stripe-Signature"].ToString(), ct);
    }
}
