using Licensing.Domain.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Metrics;

public static class MetricsRegistration
{
    /// <summary>The founder metrics (daily counters per account and product). Not <c>AddMetrics</c>: that name is .NET's metrics API.</summary>
    public static IServiceCollection AddFounderMetrics(this IServiceCollection services)
    {
        services.AddSingleton<IMetricsStore, MetricsTableStore>();
        services.AddSingleton<LiveSnapshots>();
        return services;
    }
}
