using System.Net;
using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Domain.Email;

namespace Licensing.Domain.Webhooks;

/// <summary>
/// Turns an endpoint off for good (410 Gone, or every attempt of the retry schedule failed) and e-mails the account's
/// founder once, through the outbox (the e-mail id is fixed per endpoint, so a second disabling sends nothing).
/// </summary>
public sealed class WebhookDisabling(IWebhookEndpointStore endpoints, IAccountStore accounts, EmailOutboxService email, TimeProvider clock)
{
    public async Task DisableAsync(WebhookEndpoint endpoint, string reason, CancellationToken ct)
    {
        var disabled = await Concurrency.RetryAsync(async token =>
        {
            var current = await endpoints.GetAsync(endpoint.AccountId, endpoint.Id, token).ConfigureAwait(false);
            if (current is not { Enabled: true }) return null;
            return await endpoints.ReplaceAsync(current with { DisabledAt = clock.GetUtcNow(), DisabledReason = reason }, token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        if (disabled is null) return;
        var account = await accounts.GetAsync(endpoint.AccountId, ct).ConfigureAwait(false);
        if (account is null || string.IsNullOrEmpty(account.Email)) return;
        var id = $"webhook-disabled-{endpoint.Id}";
        await email.QueueAsync(new OutboxEmail
        {
            AccountId = endpoint.AccountId,
            Id = id,
            Message = Compose(account.Email, disabled, $"<{id}@licensing>"),
            CreatedAt = clock.GetUtcNow(),
        }, ct).ConfigureAwait(false);
    }

    public static EmailMessage Compose(string to, WebhookEndpoint endpoint, string messageId)
    {
        var subject = "A webhook endpoint was disabled";
        var text = $"""
            Webhooks to {endpoint.Url} ({endpoint.Id}) have stopped: {endpoint.DisabledReason}.

            No further events are sent to it. Fix the receiver, then register the endpoint again
            (POST /v1/webhook-endpoints) and delete this one; the deliveries it missed are listed at
            GET /v1/webhook-endpoints/{endpoint.Id}/deliveries.
            """;
        static string H(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!doctype html>
            <html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
            <p>Webhooks to <strong>{H(endpoint.Url)}</strong> ({H(endpoint.Id)}) have stopped: {H(endpoint.DisabledReason ?? "")}.</p>
            <p>No further events are sent to it. Fix the receiver, then register the endpoint again and delete this one; the deliveries
            it missed are listed at <code>GET /v1/webhook-endpoints/{H(endpoint.Id)}/deliveries</code>.</p>
            </body></html>
            """;
        return new EmailMessage(to, subject, text, html, messageId);
    }
}
