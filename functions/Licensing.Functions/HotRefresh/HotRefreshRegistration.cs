using Licensing.Domain.HotRefresh;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.HotRefresh;

public static class HotRefreshRegistration
{
    /// <summary>The per-instance refresher that keeps hot licenses, products and quota states fresh ahead of expiry (docs/performance.md).</summary>
    public static IServiceCollection AddHotRefresh(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<LicensingOptions>>().Value.HotRefresh);
        services.AddSingleton<ILicenseBatchReader, LicenseBatchTableReader>();
        services.AddSingleton<HotLicenseRefresher>();
        services.AddSingleton<HotRefresher>();
        services.AddHostedService<HotRefreshService>();
        return services;
    }
}
