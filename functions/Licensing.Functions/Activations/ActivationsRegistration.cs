using Licensing.Domain.Activations;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Activations;

public static class ActivationsRegistration
{
    /// <summary>Public activation and deactivation: one handler each.</summary>
    public static IServiceCollection AddActivations(this IServiceCollection services)
    {
        services.AddSingleton<ActivateLicense>();
        services.AddSingleton<DeactivateLicense>();
        return services;
    }
}
