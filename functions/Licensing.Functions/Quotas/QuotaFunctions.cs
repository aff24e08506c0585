using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Domain.Quotas;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Quotas;

/// <summary>An account's tier, limits and use (docs/quotas.md).</summary>
public sealed class QuotaFunctions(IQuotaStore quotas, QuotaGate gate, RequestAuth auth, TimeProvider clock)
{
    /// <summary>Account: its tier, limits and this month's use.</summary>
    [Function(nameof(GetAccount))]
    public async Task<IActionResult> GetAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/account")] HttpRequest req, CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.MetricsRead, ct)).AccountId;
        var quota = await quotas.GetAsync(accountId, ct);
        var month = QuotaGate.Month(clock.GetUtcNow());
        var validations = await quotas.GetValidationsAsync(accountId, month, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            accountId,
            tier = quota.Tier.Name,
            limits = new { licenses = quota.Tier.MaxLicenses, validationsPerMonth = quota.Tier.MaxValidationsPerMonth },
            usage = new { licensesIssued = quota.LicensesIssued, month, validations },
            validationQuota = quota.Tier.MaxValidationsPerMonth is { } max && validations > max ? "degraded" : "ok",
        });
    }

    public sealed record TierRequest(string? Tier);

    /// <summary>Admin: moves an account to another tier.</summary>
    [Function(nameof(SetAccountTier))]
    public async Task<IActionResult> SetAccountTier(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/accounts/{accountId}/tier")] HttpRequest req, string accountId, CancellationToken ct)
    {
        auth.RequireAdmin(req);
        var body = await RequestBody.ReadJsonAsync<TierRequest>(req, ct);
        var tier = Tier.Parse(body.Tier) ?? throw ValidationFailedException.For("tier", "must be one of " + string.Join(", ", Tier.All.Select(t => t.Name)));
        if (!Ids.IsAccountId(accountId)) throw new NotFoundException("account not found");
        await quotas.ReplaceTierAsync(accountId, tier, ct);
        gate.Forget(accountId);
        return new ApiJsonResult(StatusCodes.Status200OK, new { accountId, tier = tier.Name });
    }
}
