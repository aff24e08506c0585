using Licensing.Domain.Activations;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Quotas;
using Licensing.Domain.Signing;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Licenses;

public static class LicensesRegistration
{
    /// <summary>Licenses and their activations: the store, the hot-license read cache, issuance (idempotent), activation.</summary>
    public static IServiceCollection AddLicenses(this IServiceCollection services)
    {
        services.AddSingleton<LicenseTableStore>();
        services.AddSingleton<ILicenseStore>(sp => sp.GetRequiredService<LicenseTableStore>());
        services.AddSingleton<ILicenseScan>(sp => sp.GetRequiredService<LicenseTableStore>());
        services.AddSingleton(sp => new LicenseReadCache(sp.GetRequiredService<TimeProvider>(),
            TimeSpan.FromSeconds(Math.Clamp(sp.GetRequiredService<IOptions<LicensingOptions>>().Value.LicenseCacheSeconds, 0, 60))));
        services.AddSingleton(sp => new LicenseService(sp.GetRequiredService<ILicenseStore>(), sp.GetRequiredService<IProductStore>(),
            sp.GetRequiredService<IRootSigner>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IQuotaStore>(),
            sp.GetRequiredService<LicenseReadCache>(), sp.GetService<Licensing.Domain.Audit.IChangeNotifier>(),
            sp.GetService<Licensing.Domain.ShortKeys.ShortKeyIssuer>()));
        services.AddSingleton<IdempotencyTableStore>();
        services.AddSingleton<IIdempotencyStore>(sp => sp.GetRequiredService<IdempotencyTableStore>());
        services.AddSingleton<IdempotentIssuance>();
        services.AddSingleton<ActivationService>();
        services.AddSingleton<LicenseManagement>();
        services.AddSingleton<ILicenseDomainIndex>(sp => sp.GetRequiredService<LicenseTableStore>());
        services.AddSingleton<LicenseSearch>();
        return services;
    }
}
