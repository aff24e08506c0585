using Licensing.Domain.Pruning;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Pruning;

/// <summary>Timer (NCRONTAB, UTC): deletes expired sessions, sign-in tokens and idempotency records in bounded pages.</summary>
public sealed class PruningFunctions(ExpiredRowPruner pruner, ILogger<PruningFunctions> logger)
{
    public const string Schedule = "0 45 * * * *";

    [Function(nameof(PruneExpiredRows))]
    public async Task PruneExpiredRows([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken ct)
    {
        foreach (var (kind, count) in await pruner.PruneAsync(ct)) logger.LogInformation("Pruned {Count} expired {Kind}", count, kind);
    }
}
