using Licensing.Domain.Activity;
using Licensing.Domain.Quotas;
using Licensing.Domain.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Usage;

public static class UsageRegistration
{
    /// <summary>Metered usage and account quotas, with the notices sent when a quota is reached.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddSingleton<IQuotaStore, QuotaTableStore>();
        services.AddSingleton<QuotaGate>();
        services.AddSingleton<IQuotaNotifier, QuotaNotifier>();
        services.AddSingleton<IUsageLedger, UsageTableStore>();
        services.AddSingleton<UsageCache>();
        services.AddSingleton<ReportUsage>();
        return services;
    }
}
