using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing;

/// <summary>Account endpoints of every provider: list the events whose processing failed, replay one.</summary>
public sealed class BillingFailureFunctions(IBillingFailures failures, IBillingInbox inbox, IBillingEventQueue queue, BillingParsers parsers, RequestAuth auth)
{
    [Function(nameof(ListBillingFailures))]
    public async Task<IActionResult> ListBillingFailures(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/integrations/{provider}/failures")] HttpRequest req, string provider,
        CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct)).AccountId;
        var items = await failures.ListAsync(accountId, parsers.FromRoute(provider), ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            items = items.OrderByDescending(f => f.FailedAt)
                .Select(f => new { eventId = f.Event.Id, type = f.Type, reason = f.Reason, attempts = f.Attempts, failedAt = f.FailedAt }),
        });
    }

    [Function(nameof(ReplayBillingFailure))]
    public async Task<IActionResult> ReplayBillingFailure(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/integrations/{provider}/failures/{eventId}/replay")] HttpRequest req,
        string provider, string eventId, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct)).AccountId;
        var evt = new ProviderRef(parsers.FromRoute(provider), eventId);
        _ = await failures.GetAsync(accountId, evt, ct) ?? throw new NotFoundException($"no failed {provider} event '{eventId}'");
        await inbox.ReopenAsync(accountId, evt, ct);
        await failures.DeleteAsync(accountId, evt, ct);
        await queue.EnqueueAsync(BillingEventMessage.For(accountId, evt), ct);
        return new ApiJsonResult(StatusCodes.Status202Accepted, new { eventId, replayed = true });
    }
}
