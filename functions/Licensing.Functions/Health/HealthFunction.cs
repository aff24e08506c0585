using Licensing.Domain.Licenses;
using Licensing.Domain.Signing;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Health;

/// <summary>Public: 200 once storage and signing are reachable, else 503 naming what is down.</summary>
public sealed class HealthFunction(ILicenseStore licenses, PublicKeyCache keys, PublicPathBudget budget, ILogger<HealthFunction> logger)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/health")] HttpRequest req, CancellationToken ct)
    {
        // The checks run side by side, each within the public path's budget, so the answer comes within one budget:
        // a hung dependency is reported, not waited for. Storage: a point read of a license that does not exist.
        var storageCheck = CheckAsync(t => licenses.GetAsync("health", "probe", t), "storage", ct);
        var signingCheck = CheckAsync(async t => { if ((await keys.GetAsync(t)).Keys.Count == 0) throw new InvalidOperationException("no signing key"); },
            "signing", ct);
        var (storage, signing) = (await storageCheck, await signingCheck);
        if (storage && signing) return new ApiJsonResult(StatusCodes.Status200OK, new { status = "ok" });
        return new Problem(503, "SERVICE_UNAVAILABLE", "Service Unavailable", "a dependency is unreachable")
        {
            RetryAfterSeconds = 5,
            Extensions = new Dictionary<string, object?>
            {
                ["checks"] = new { storage = storage ? "ok" : "unavailable", signing = signing ? "ok" : "unavailable" },
            },
        }.ToResult();
    }

    private async Task<bool> CheckAsync(Func<CancellationToken, Task> check, string name, CancellationToken ct)
    {
        try
        {
            return await budget.RunAsync(async t => { await check(t); return true; }, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Health check {Check} failed", name);
            return false;
        }
    }
}
