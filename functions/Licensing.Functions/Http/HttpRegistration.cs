using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Http;

public static class HttpRegistration
{
    /// <summary>What every HTTP function shares: request authentication, continuation tokens, the public path's time budget.</summary>
    public static IServiceCollection AddHttp(this IServiceCollection services)
    {
        services.AddSingleton<RequestAuth>();
        services.AddSingleton<ContinuationTokens>();
        services.AddSingleton<PublicPathBudget>();
        return services;
    }
}
