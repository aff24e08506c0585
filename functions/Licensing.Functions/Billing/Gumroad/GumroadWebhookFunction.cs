using Licensing.Domain.Billing;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Billing.Gumroad;

/// <summary>
/// Gumroad's Ping and resource notifications. Gumroad signs nothing: the request is authentic when the URL carries the
/// unguessable secret the integration returned (only its hash is stored; compared in constant time) and the body's
/// <c>seller_id</c> is the account's Gumroad seller (sales, refunds and disputes always carry it; a subscription
/// notification that carries one must match too).
/// </summary>
public sealed class GumroadWebhookFunction(ISecretStore secrets, BillingIntake intake, GumroadEventParser parser, ILogger<GumroadWebhookFunction> logger)
{
    [Function(nameof(GumroadWebhook))]
    public async Task<IActionResult> GumroadWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/gumroad/{accountId}/{secret}")] HttpRequest req, string accountId,
        string secret, CancellationToken ct)
    {
        var raw = await RequestBody.ReadRawAsync(req, ct);
        var urlHash = await WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.Gumroad, GumroadConnector.UrlSecretHash, accountId, ct);
        var sellerId = await WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.Gumroad, GumroadConnector.SellerId, accountId, ct);
        var ping = GumroadPing.Parse(raw);
        // Sales, refunds and disputes come in the Ping's format, which always names the seller; subscription notifications
        // may not, and are then authenticated by the URL secret alone.
        var sellerOk = ping["seller_id"] is null && ping.Resource is not ("sale" or "refund" or "dispute")
            || WebhookSignatures.SameText(ping["seller_id"], sellerId);
        if (!WebhookSignatures.SameText(WebhookSignatures.Hash(secret), urlHash) | !sellerOk)
        {
            logger.LogWarning("Rejected a Gumroad notification for {AccountId}: wrong URL secret or seller_id", accountId);
            return WebhookAnswers.InvalidSignature("the URL is not the one the Gumroad integration returned, or seller_id is not the account's seller");
        }
        return await intake.ReceiveAsync(parser, accountId, ping.EventId, ping.Resource, ping.OccurredAt, raw, ct);
    }
}
