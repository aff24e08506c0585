using Licensing.Domain.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Accounts;

public static class AccountsRegistration
{
    /// <summary>Vendor accounts and their API keys.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        // The one adapter of the accounts table: the quota store goes through it too.
        services.AddSingleton<AccountTableStore>();
        services.AddSingleton<IAccountStore>(sp => sp.GetRequiredService<AccountTableStore>());
        services.AddSingleton<AccountService>();
        return services;
    }
}
