using Licensing.Domain.Licenses;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Lifecycle;

public static class LifecycleRegistration
{
    /// <summary>The scheduled license jobs.</summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        services.AddSingleton<LifecycleJobs>();
        return services;
    }
}
