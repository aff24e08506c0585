using Licensing.Domain.Accounts;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Accounts;

public static class AccountsRegistration
{
    /// <summary>Vendor accounts, their API keys, sign-up and sign-in by e-mail link, and sessions (docs/accounts.md).</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        // The one adapter of the accounts table: the quota store goes through it too.
        services.AddSingleton<AccountTableStore>();
        services.AddSingleton<IAccountStore>(sp => sp.GetRequiredService<AccountTableStore>());
        services.AddSingleton<ApiKeyTableStore>();
        services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<ApiKeyTableStore>());
        services.AddSingleton<SessionTableStore>();
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<SessionTableStore>());
        services.AddSingleton<ISignInTokenStore>(sp => sp.GetRequiredService<SessionTableStore>());
        services.AddSingleton<ISignInQueue, SignInQueue>();
        services.AddSingleton(sp => SignInLinks.From(sp.GetRequiredService<IOptions<LicensingOptions>>().Value.DashboardUrl));
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<Authenticator>>();
            return new Authenticator(sp.GetRequiredService<IApiKeyStore>(), sp.GetRequiredService<ISessionStore>(), sp.GetRequiredService<TimeProvider>(),
                TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<LicensingOptions>>().Value.CredentialCacheSeconds),
                e => logger.LogWarning(e, "Recording an API key's last use failed; the next use records it"));
        });
        services.AddSingleton<AccountService>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<SignInService>();
        return services;
    }
}
