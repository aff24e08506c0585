using Licensing.Domain.Licenses;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Lifecycle;

/// <summary>Timer-triggered lifecycle jobs (NCRONTAB, UTC). Each is idempotent.</summary>
public sealed class LifecycleFunctions(LifecycleJobs jobs, ILogger<LifecycleFunctions> logger)
{
    public const string MarkExpiredSchedule = "0 */15 * * * *";
    public const string RemindersSchedule = "0 0 9 * * *";
    public const string RollUpSchedule = "0 5 * * * *";

    [Function(nameof(MarkExpiredLicenses))]
    public async Task MarkExpiredLicenses([TimerTrigger(MarkExpiredSchedule)] TimerInfo timer, CancellationToken ct) =>
        logger.LogInformation("Marked {Count} licenses expired", await jobs.MarkExpiredAsync(ct));

    [Function(nameof(SendRenewalReminders))]
    public async Task SendRenewalReminders([TimerTrigger(RemindersSchedule)] TimerInfo timer, CancellationToken ct) =>
        logger.LogInformation("Queued {Count} renewal reminders", await jobs.SendRenewalRemindersAsync(ct));

    [Function(nameof(RollUpMetrics))]
    public async Task RollUpMetrics([TimerTrigger(RollUpSchedule)] TimerInfo timer, CancellationToken ct) =>
        logger.LogInformation("Rolled up metrics for {Count} products", await jobs.RollUpMetricsAsync(ct));
}
