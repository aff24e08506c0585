using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Telemetry;

/// <summary>
/// Admin: <c>GET /v1/health/ready</c>, the detailed readiness view (storage tables, queues with depth and poison counts, signer,
/// e-mail sender, last run of each timer, outbox depth and oldest age). 200 when ok or degraded; 503 problem+json carrying the
/// same view under <c>readiness</c> when storage or signing is down. The public <c>GET /v1/health</c> stays the cheap check.
/// </summary>
public sealed class ReadinessFunction(RequestAuth auth, ReadinessProbe probe)
{
    [Function(nameof(Readiness))]
    public async Task<IActionResult> Readiness(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/health/ready")] HttpRequest req, CancellationToken ct)
    {
        auth.RequireAdmin(req);
        var view = await probe.CheckAsync(ct);
        if (view.Status != ReadinessView.Unavailable) return new ApiJsonResult(StatusCodes.Status200OK, view);
        return new Problem(503, "SERVICE_UNAVAILABLE", "Service Unavailable", "storage or signing is unavailable")
        {
            RetryAfterSeconds = 5,
            Extensions = new Dictionary<string, object?> { ["readiness"] = view },
        }.ToResult();
    }
}
