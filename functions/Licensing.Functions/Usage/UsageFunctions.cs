using System.Text.Json.Serialization;
using Licensing.Domain.Common;
using Licensing.Domain.Usage;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Usage;

public sealed class UsageFunctions(ReportUsage report, AbuseGuard guard, PublicPathBudget budget)
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
        var address = ClientAddress.Of(req);
        guard.CheckAddress(address);
        var body = await RequestBody.ReadJsonAsync<UsageRequest>(req, ct);
        var errors = new FieldErrors();
        if (body.Key is null) errors.Add("key", "is required");
        if (body.Quantity is not { } q || q < 1 || q > MaxQuantity) errors.Add("quantity", $"must be 1-{MaxQuantity}");
        if (body.IdempotencyKey is not { Length: >= 1 and <= 200 } ik || ik.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?'))
            errors.Add("idempotencyKey", "is required: 1-200 characters, no / \\ # ? or control characters");
        errors.ThrowIfAny();
        var r = await budget.RunAsync(t => report.ReportUsageAsync(body.Key!, body.Quantity!.Value, body.IdempotencyKey!, address, t), ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new UsageResponse(r.Recorded, r.Duplicate, r.Code, r.Detail, r.Used, r.Limit,
            r.Limit is { } limit ? Math.Max(0, limit - r.Used) : null, r.PeriodStart, r.PeriodEnd));
    }
}
