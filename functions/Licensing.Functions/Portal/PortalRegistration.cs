using Licensing.Domain.Audit;
using Licensing.Domain.Portal;
using Licensing.Functions.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Portal;

public static class PortalRegistration
{
    /// <summary>The customer portal's sign-in, sessions and license actions (docs/portal.md), on the accounts' session and token stores.</summary>
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddSingleton(sp => new CustomerDataErasure("sessions", sp.GetRequiredService<SessionTableStore>().EraseCustomerAsync));
        services.AddSingleton<IBillingPortal, StripeBillingPortal>();
        services.AddSingleton<PortalSignInService>();
        services.AddSingleton<PortalService>();
        services.AddSingleton<PortalAuth>();
        return services;
    }
}
