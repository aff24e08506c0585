using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Domain.Deals;
using Licensing.Domain.Licenses;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Deals;

/// <summary>Lifetime deals: code batches (account), redemption (public), refunds (account). docs/lifetime-deals.md.</summary>
public sealed class DealFunctions(DealService deals, RequestAuth auth, AbuseGuard guard, TimeProvider clock, Audit.AccountAudit audit)
{
    public sealed record BatchRequest(string? Plan, int? Count, List<string?>? Codes);

    public sealed record RedeemRequest(string? AccountId, string? Code, string? Email, string? Domain);

    public sealed record RefundRequest(string? Code);

    [Function(nameof(CreateCodeBatch))]
    public async Task<IActionResult> CreateCodeBatch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/products/{productId}/code-batches")] HttpRequest req, string productId,
        CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        var body = await RequestBody.ReadJsonAsync<BatchRequest>(req, ct);
        var batch = await deals.CreateBatchAsync(caller.AccountId, productId, body.Plan, body.Count, body.Codes, ct);
        await audit.RecordAsync(caller, "codes.created", new("codeBatch", batch.BatchId), new Dictionary<string, System.Text.Json.Nodes.JsonNode?>
        {
            ["productId"] = productId,
            ["plan"] = body.Plan,
            ["added"] = batch.Added,
        }, ct);
        return new ApiJsonResult(StatusCodes.Status201Created, new
        {
            batchId = batch.BatchId,
            productId,
            plan = body.Plan,
            count = body.Count ?? body.Codes!.Count,
            added = batch.Added,
            skipped = batch.Skipped, // imported before into this account, for the same product and plan
            codes = batch.Codes, // generated codes, shown once; imported codes are not echoed
        });
    }

    /// <summary>
    /// Public: a customer redeems a code of the account that sold it (its public id, as in its webhook URLs); the
    /// license is created (or the code stacked onto theirs) and e-mailed.
    /// </summary>
    [Function(nameof(RedeemCode))]
    public async Task<IActionResult> RedeemCode(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/redeem")] HttpRequest req, CancellationToken ct)
    {
        guard.CheckAddress(ClientAddress.Of(req));
        var body = await RequestBody.ReadJsonAsync<RedeemRequest>(req, ct);
        var result = await deals.RedeemAsync(body.AccountId, body.Code, body.Email, body.Domain, ct);
        var l = result.License;
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            redeemed = true,
            licenseId = l.Id,
            licenseKey = l.CustomerKey,
            productId = l.ProductId,
            plan = l.Plan,
            features = l.Features,
            maxActivations = l.MaxActivations,
            stackedCodes = result.StackedCodes,
            expiresAt = l.ExpiresAt,
            status = l.EffectiveStatus(clock.GetUtcNow()).ToWire(),
        });
    }

    [Function(nameof(RefundCode))]
    public async Task<IActionResult> RefundCode(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/codes/refund")] HttpRequest req, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct);
        var body = await RequestBody.ReadJsonAsync<RefundRequest>(req, ct);
        if (string.IsNullOrWhiteSpace(body.Code)) throw ValidationFailedException.For("code", "is required");
        var license = await deals.RefundAsync(caller.AccountId, body.Code, caller.Actor, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new
        {
            refunded = true,
            licenseId = license?.Id,
            status = license?.EffectiveStatus(clock.GetUtcNow()).ToWire(),
            maxActivations = license?.MaxActivations,
            stackedCodes = license?.RedeemedCodes.Count ?? 0,
        });
    }
}
