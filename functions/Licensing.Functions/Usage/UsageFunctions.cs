using System.Text.Json.Serialization;
using Licensing.Domain.Common;
using Licensing.Domain.Quotas;
using Licensing.Domain.Usage;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Usage;

public sealed class UsageFunctions(ReportUsage report, AbuseGuard guard, PublicPathBudget budget, IQuotaStore quotas, QuotaGate gate, RequestAuth auth, TimeProvider clock)
{
    public const long MaxQuantity = 1_000_000;

    public sealed record UsageRequest(string? Key, long? Quantity, string? IdempotencyKey);

    public sealed record UsageResponse(
        bool Recorded, bool Duplicate,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
        string Detail, long Used, long? Limit,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Remaining,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PeriodStart,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PeriodEnd);

    /// <summary>Public (key-authenticated): report metered use, exactly once per idempotency key.</summary>
    [Function(nameof(ReportUsage))]
    public async Task<IActionResult> ReportUsage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/usage")] HttpRequest req, CancellationToken ct)
    {
        guard.CheckAddress(ClientAddress.Of(req));
        var body = await RequestBody.ReadJsonAsync<UsageRequest>(req, ct);
        var errors = new FieldErrors();
        if (body.Key is null) errors.Add("key", "is required");
        if (body.Quantity is not { } q || q < 1 || q > MaxQuantity) errors.Add("quantity", $"must be 1-{MaxQuantity}");
        if (body.IdempotencyKey is not { Length: >= 1 and <= 200 } ik || ik.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?'))
            errors.Add("idempotencyKey", "is required: 1-200 characters, no / \\ # ? or control characters");
        errors.ThrowIfAny();
        var r = await budget.RunAsync(t => report.ReportUsageAsync(body.Key!, body.Quantity!.Value, body.IdempotencyKey!, t), ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new UsageResponse(r.Recorded, r.Duplicate, r.Code, r.Detail, r.Used, r.Limit,
            r.Limit is { } limit ? Math.Max(0, limit - r.Used) : null, r.PeriodStart, r.PeriodEnd));
    }

    /// <summary>Account: its tier, limits and this month's use.</summary>
    [Function(nameof(GetAccount))]
    public async Task<IActionResult> GetAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/account")] HttpRequest req, CancellationToken ct)
    {
        var accountId = await auth.RequireAccountAsync(req, ct);
        var quota = await quotas.GetAsync(accountId, ct);
        var month = QuotaGate.Month(clock.GetUtcNow());
        var validations = await quotas.ValidationsAsync(accountId, month, ct);
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
        await quotas.SetTierAsync(accountId, tier, ct);
        gate.Forget(accountId);
        return new ApiJsonResult(StatusCodes.Status200OK, new { accountId, tier = tier.Name });
    }
}
