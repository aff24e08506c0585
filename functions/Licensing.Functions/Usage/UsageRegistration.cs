using Licensing.Domain.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Usage;

public static class UsageRegistration
{
    /// <summary>Metered usage: the ledger, its per-instance totals and the report handler.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddSingleton<IUsageLedger, UsageTableStore>();
        services.AddSingleton<UsageCache>();
        services.AddSingleton<ReportUsage>();
        return services;
    }
}
