using Licensing.Domain.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Accounts;

public static class AccountsRegistration
{
    /// <summary>Vendor accounts and their API keys.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<IAccountStore, AccountTableStore>();
        services.AddSingleton<AccountService>();
        return services;
    }
}
