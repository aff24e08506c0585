using Licensing.Domain.Quotas;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Quotas;

public static class QuotasRegistration
{
    /// <summary>Account quotas (tiers, license counts, monthly validations) and the notice sent when one is reached.</summary>
    public static IServiceCollection AddQuotas(this IServiceCollection services)
    {
        services.AddSingleton<IQuotaStore, QuotaTableStore>();
        services.AddSingleton<QuotaGate>();
        services.AddSingleton<IQuotaNotifier, QuotaNotifier>();
        return services;
    }
}
