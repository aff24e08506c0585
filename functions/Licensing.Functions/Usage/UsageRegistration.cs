using Licensing.Domain.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Usage;

public static class UsageRegistration
{
    /// <summary>Metered usage: the ledger, its per-instance totals, the report handler and its limit event.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddSingleton<UsageTableStore>();
        services.AddSingleton<IUsageLedger>(sp => sp.GetRequiredService<UsageTableStore>());
        services.AddSingleton<IUsageLimitMarks>(sp => sp.GetRequiredService<UsageTableStore>());
        services.AddSingleton<UsageCache>();
        services.AddSingleton<UsageLimitEvents>();
        services.AddSingleton<ReportUsage>();
        return services;
    }
}
