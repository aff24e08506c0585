using Licensing.Domain.Accounts;
using Licensing.Domain.Billing;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Billing;

/// <summary>Account endpoints: connect Stripe, list processing failures, replay one.</summary>
public sealed class StripeIntegrationFunctions(ISecretStore secrets, IStripeFailures failures, IStripeInbox inbox, IStripeEventQueue queue, RequestAuth auth,
    Audit.AccountAudit audit)
{
    public sealed record StripeIntegrationRequest(string? WebhookSecret, string? ApiKey);

    [Function(nameof(PutStripeIntegration))]
    public async Task<IActionResult> PutStripeIntegration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/integrations/stripe")] HttpRequest req, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct);
        var accountId = caller.AccountId;
        var body = await RequestBody.ReadJsonAsync<StripeIntegrationRequest>(req, ct);
        var errors = new FieldErrors();
        if (body.WebhookSecret is not { Length: > 6 and <= 256 } ws || !ws.StartsWith("whsec_", StringComparison.Ordinal))
            errors.Add("webhookSecret", "must be the endpoint's signing secret (whsec_...)");
        if (body.ApiKey is not null
            && (body.ApiKey.Length is < 8 or > 256
                || !(body.ApiKey.StartsWith("rk_", StringComparison.Ordinal) || body.ApiKey.StartsWith("sk_", StringComparison.Ordinal))))
            errors.Add("apiKey", "must be a Stripe restricted (rk_...) or secret (sk_...) key");
        errors.ThrowIfAny();
        await secrets.UpsertAsync(StripeSecrets.WebhookSecretName(accountId), body.WebhookSecret!, ct);
        if (body.ApiKey is not null) await secrets.UpsertAsync(StripeSecrets.ApiKeyName(accountId), body.ApiKey, ct);
        // Which secrets were set, never their values.
        await audit.RecordAsync(caller, "integration.updated", new("integration", "stripe"),
            new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["webhookSecret"] = "[set]", ["apiKey"] = body.ApiKey is null ? null : "[set]" }, ct);
        return new StatusOnlyResult(StatusCodes.Status204NoContent);
    }

    [Function(nameof(ListStripeFailures))]
    public async Task<IActionResult> ListStripeFailures(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/integrations/stripe/failures")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct)).AccountId;
        var items = await failures.ListAsync(accountId, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            items = items.OrderByDescending(f => f.FailedAt)
                .Select(f => new { eventId = f.EventId, type = f.Type, reason = f.Reason, attempts = f.Attempts, failedAt = f.FailedAt }),
        });
    }

    [Function(nameof(ReplayStripeFailure))]
    public async Task<IActionResult> ReplayStripeFailure(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/integrations/stripe/failures/{eventId}/replay")] HttpRequest req, string eventId,
        CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.IntegrationsWrite, ct)).AccountId;
        _ = await failures.GetAsync(accountId, eventId, ct) ?? throw new NotFoundException($"no failed event '{eventId}'");
        await inbox.ReopenAsync(accountId, eventId, ct);
        await failures.DeleteAsync(accountId, eventId, ct);
        await queue.EnqueueAsync(new StripeEventMessage(accountId, eventId), ct);
        return new ApiJsonResult(StatusCodes.Status202Accepted, new { eventId, replayed = true });
    }
}
