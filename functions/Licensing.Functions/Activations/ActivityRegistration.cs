using Licensing.Domain.Activity;
using Licensing.Domain.Licenses;
using Licensing.Domain.Metrics;
using Licensing.Domain.Quotas;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Activations;

public static class ActivityRegistration
{
    /// <summary>Validation activity: recorded in memory on the public path, written out in the background.</summary>
    public static IServiceCollection AddActivity(this IServiceCollection services)
    {
        services.AddSingleton<IActivityStore, ActivityTableStore>();
        services.AddSingleton<ActivityRecorder>();
        services.AddSingleton(sp => new ActivityFlusher(sp.GetRequiredService<ActivityRecorder>(), sp.GetRequiredService<IActivityStore>(),
            sp.GetRequiredService<LicenseService>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IMetricsStore>(),
            sp.GetRequiredService<IQuotaStore>(), sp.GetRequiredService<IQuotaNotifier>()));
        services.AddHostedService<ActivityFlushService>();
        return services;
    }
}
