using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Validation;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Validation;

public static class ValidationRegistration
{
    /// <summary>The public path: the keyed license read every public operation starts with, validation, and the rate limits.</summary>
    public static IServiceCollection AddValidation(this IServiceCollection services)
    {
        services.AddSingleton(sp => new AbuseGuard(sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<LicensingOptions>>().Value.RateLimits));
        services.AddSingleton<KeyedLicenseReader>();
        services.AddSingleton<ValidateLicense>();
        return services;
    }
}
