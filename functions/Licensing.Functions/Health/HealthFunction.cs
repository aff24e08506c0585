using Azure.Data.Tables;
using Licensing.Domain.Keys;
using Licensing.Functions.Http;
using Licensing.Functions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Health;

/// <summary>Public: 200 once storage and signing are reachable, else 503 naming what is down.</summary>
public sealed class HealthFunction(TableStorage tables, PublicKeyCache keys, ILogger<HealthFunction> logger)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/health")] HttpRequest req, CancellationToken ct)
    {
        var storage = await CheckAsync(() => StorageFaults.Guard(
            () => tables.Licenses.GetEntityIfExistsAsync<TableEntity>("health", "probe", ["PartitionKey"], ct), ct), "storage");
        var signing = await CheckAsync(async () => { if ((await keys.GetAsync(ct)).Keys.Count == 0) throw new InvalidOperationException("no signing key"); }, "signing");
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

    private async Task<bool> CheckAsync(Func<Task> check, string name)
    {
        try
        {
            await check();
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Health check {Check} failed", name);
            return false;
        }
    }
}
