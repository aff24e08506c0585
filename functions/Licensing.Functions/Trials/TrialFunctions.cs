using Licensing.Domain.Common;
using Licensing.Domain.Trials;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Trials;

/// <summary>Public: <c>POST /v1/trials</c>, a customer starts a trial of a product (docs/trials.md).</summary>
public sealed class TrialFunctions(TrialService trials, AbuseGuard guard)
{
    public sealed record StartTrialRequest(string? AccountId, string? ProductId, string? Plan, string? CustomerEmail, string? Domain, string? Fingerprint);

    [Function(nameof(StartTrial))]
    public async Task<IActionResult> StartTrial(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/trials")] HttpRequest req, CancellationToken ct)
    {
        guard.CheckTrial(ClientAddress.Of(req));
        var b = await RequestBody.ReadJsonAsync<StartTrialRequest>(req, ct);
        var license = await trials.StartAsync(TrialRules.Parse(b.AccountId, b.ProductId, b.Plan, b.CustomerEmail, b.Domain, b.Fingerprint), ct);
        return new ApiJsonResult(StatusCodes.Status201Created, new
        {
            licenseId = license.Id,
            licenseKey = license.CustomerKey,
            expiresAt = license.ExpiresAt,
            productId = license.ProductId,
            plan = license.Plan,
            trial = true,
        });
    }
}
