using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Billing.Gumroad;

/// <summary>
/// What Gumroad's webhook does with a notification. Gumroad signs nothing: a notification is authentic when the URL carries
/// the unguessable secret the integration returned (only its hash is stored; compared in constant time) and the body's
/// <c>seller_id</c> is the account's Gumroad seller (sales, refunds and disputes always carry it; a subscription
/// notification that carries one must match too). Then it is named (<see cref="GumroadPing.EventId"/>) and handed to
/// <see cref="BillingIntake"/>. The webhook route and the simulated purchase both go through here; the simulated purchase
/// cannot present the URL secret (nothing keeps it), so it is authenticated by the account's own API key instead
/// (<see cref="GumroadCaller.Account"/>), and every other check is the same.
/// </summary>
public sealed class GumroadInbound(ISecretStore secrets, BillingIntake intake, GumroadEventParser parser, ILogger<GumroadInbound> logger)
{
    /// <summary>The account's Gumroad seller id; 404 when Gumroad is not connected.</summary>
    public Task<string> SellerIdAsync(string accountId, CancellationToken ct) =>
        WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.Gumroad, GumroadConnector.SellerId, accountId, ct);

    public async Task<IActionResult> ReceiveAsync(string accountId, GumroadCaller caller, byte[] raw, CancellationToken ct)
    {
        var urlHash = await WebhookAnswers.RequireSettingAsync(secrets, BillingProvider.Gumroad, GumroadConnector.UrlSecretHash, accountId, ct);
        var sellerId = await SellerIdAsync(accountId, ct);
        var ping = GumroadPing.Parse(raw);
        // Sales, refunds and disputes come in the Ping's format, which always names the seller; subscription notifications
        // may not, and are then authenticated by the URL secret alone.
        var sellerOk = ping["seller_id"] is null && ping.Resource is not ("sale" or "refund" or "dispute")
            || WebhookSignatures.SameText(ping["seller_id"], sellerId);
        if (!caller.Authenticates(accountId, urlHash) | !sellerOk)
        {
            logger.LogWarning("Rejected a Gumroad notification for {AccountId}: wrong URL secret or seller_id", accountId);
            return WebhookAnswers.InvalidSignature("the URL is not the one the Gumroad integration returned, or seller_id is not the account's seller");
        }
        return await intake.ReceiveAsync(parser, accountId, ping.EventId, ping.Resource, ping.OccurredAt, raw, ct);
    }
}

/// <summary>Who sends a Gumroad notification: Gumroad, to the URL with its secret, or the account itself (a simulated purchase).</summary>
public abstract record GumroadCaller
{
    private GumroadCaller() { }

    /// <summary>Whether this caller is authentic for the account whose URL secret hashes to <paramref name="urlHash"/>.</summary>
    public abstract bool Authenticates(string accountId, string urlHash);

    /// <summary>The secret in the webhook URL: authentic when its hash is the stored one.</summary>
    public sealed record Url(string Secret) : GumroadCaller
    {
        public override bool Authenticates(string accountId, string urlHash) => WebhookSignatures.SameText(WebhookSignatures.Hash(Secret), urlHash);
    }

    /// <summary>The account's own credential (an API key with <c>integrations:write</c>): authentic for that account only.</summary>
    public sealed record Account(Credential Credential) : GumroadCaller
    {
        public override bool Authenticates(string accountId, string urlHash) => Credential.AccountId == accountId;
    }
}
