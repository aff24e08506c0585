using Licensing.Domain.Licenses;
using Licensing.Domain.Pruning;
using Licensing.Functions.Accounts;
using Licensing.Functions.Licenses;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Pruning;

public static class PruningRegistration
{
    /// <summary>How long an idempotency record is kept: its documented window (24 h) and six days more for late retries.</summary>
    public static readonly TimeSpan IdempotencyKeptFor = IdempotentIssuance.Retention + TimeSpan.FromDays(6);

    /// <summary>The pruning timer's job and the rows it prunes, each deleted through its table's own adapter.</summary>
    public static IServiceCollection AddPruning(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ExpiringRows("sessions", sp.GetRequiredService<SessionTableStore>().DeleteExpiredSessionsAsync));
        services.AddSingleton(sp => new ExpiringRows("sign-in tokens", sp.GetRequiredService<SessionTableStore>().DeleteExpiredTokensAsync));
        services.AddSingleton(sp => new ExpiringRows("idempotency records",
            (now, max, ct) => sp.GetRequiredService<IdempotencyTableStore>().DeleteOlderThanAsync(now - IdempotencyKeptFor, max, ct)));
        services.AddSingleton<ExpiredRowPruner>();
        return services;
    }
}
