using Licensing.Domain.Activity;
using Licensing.Domain.Metrics;
using Licensing.Domain.Quotas;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Activity;

public static class ActivityRegistration
{
    /// <summary>
    /// Validation activity: recorded in memory on the public path, written out in the background, and each written batch
    /// handed to its consumers (sharing auto-suspend, validation metrics, the validation quota).
    /// </summary>
    public static IServiceCollection AddActivity(this IServiceCollection services)
    {
        services.AddSingleton<IActivityStore, ActivityTableStore>();
        services.AddSingleton<ActivityRecorder>();
        services.AddSingleton<IActivityBatchConsumer, SharingAutoSuspend>();
        services.AddSingleton<IActivityBatchConsumer, ValidationMetrics>();
        services.AddSingleton<IActivityBatchConsumer, ValidationQuota>();
        services.AddSingleton<ActivityFlusher>();
        services.AddHostedService<ActivityFlushService>();
        return services;
    }
}
