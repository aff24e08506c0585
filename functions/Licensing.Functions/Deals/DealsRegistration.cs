using Licensing.Domain.Audit;
using Licensing.Domain.Deals;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Deals;

public static class DealsRegistration
{
    /// <summary>Redemption codes.</summary>
    public static IServiceCollection AddDeals(this IServiceCollection services)
    {
        services.AddSingleton<ICodeStore, CodeTableStore>();
        services.AddSingleton(sp => new CustomerDataErasure("redeemcodes", ActivatorUtilities.CreateInstance<CodeTableStore>(sp).EraseAsync));
        services.AddSingleton<DealService>();
        return services;
    }
}
