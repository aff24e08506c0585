using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Health;

/// <summary>
/// Public: liveness with no dependency at all — for uptime monitors, and the "framework floor" of the load harness
/// (an HTTP function that does nothing, on the same host as validate).
/// </summary>
public sealed class PingFunction
{
    [Function(nameof(Ping))]
    public Task<IActionResult> Ping([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/ping")] HttpRequest req) =>
        Task.FromResult<IActionResult>(new StatusOnlyResult(StatusCodes.Status204NoContent));
}
