using Licensing.Domain.Billing;
using Licensing.Domain.Trials;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Trials;

public static class TrialsRegistration
{
    /// <summary>Trials: the claims store, the public trial route's service, and the conversion every payment provider's purchase runs.</summary>
    public static IServiceCollection AddTrials(this IServiceCollection services)
    {
        services.AddSingleton<ITrialClaims, TrialClaimTableStore>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TrialService>(sp,
            sp.GetRequiredService<IOptions<LicensingOptions>>().Value.RateLimits.TrialsPerAccountPerDay));
        services.AddSingleton<TrialConversion>();
        return services;
    }
}
