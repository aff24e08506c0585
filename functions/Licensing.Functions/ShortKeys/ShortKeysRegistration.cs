using Licensing.Domain.ShortKeys;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.ShortKeys;

public static class ShortKeysRegistration
{
    /// <summary>Short keys: their secrets (settings or the local file), the in-memory check and derivation, issuance.</summary>
    public static IServiceCollection AddShortKeys(this IServiceCollection services)
    {
        services.AddSingleton<IShortKeySecrets>(sp => new ShortKeySecrets(sp.GetRequiredService<IOptions<LicensingOptions>>().Value.ShortKeys));
        services.AddSingleton<ShortKeyRing>();
        services.AddSingleton<ShortKeyIssuer>();
        return services;
    }
}
