using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.KeyAliases;

public static class KeyAliasesRegistration
{
    /// <summary>Alias keys: their store, the public path's cached lookup (same TTL as license reads), attaching and moving them.</summary>
    public static IServiceCollection AddKeyAliases(this IServiceCollection services)
    {
        services.AddSingleton<IKeyAliasStore, KeyAliasTableStore>();
        services.AddSingleton(sp => new KeyAliasLookup(sp.GetRequiredService<IKeyAliasStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<LicenseReadCache>().Ttl));
        services.AddSingleton<KeyAliasService>();
        return services;
    }
}
