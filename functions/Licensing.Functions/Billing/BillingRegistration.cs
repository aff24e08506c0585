using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Licensing.Domain.Billing;
using Licensing.Functions.Hosting;
using Licensing.Functions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Billing;

public static class BillingRegistration
{
    /// <summary>
    /// Stripe → inbox → queue → license: the webhook secrets (Key Vault when <see cref="SigningOptions.KeyVaultUri"/> is set, else
    /// encrypted in local storage), the inbox, the event queue and its processor.
    /// </summary>
    public static IServiceCollection AddBilling(this IServiceCollection services)
    {
        services.AddSingleton<ISecretStore>(sp => sp.GetRequiredService<IOptions<LicensingOptions>>().Value is var options
            && string.IsNullOrWhiteSpace(options.Signing.KeyVaultUri)
            ? LocalProtectedSecretStore.Create(sp.GetRequiredService<TableStorage>(), options.LocalSecretsKeyPath)
            : new KeyVaultSecretStore(new SecretClient(new Uri(options.Signing.KeyVaultUri), sp.GetRequiredService<TokenCredential>()),
                sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IStripeInbox, StripeInboxTableStore>();
        services.AddSingleton<IStripeLinks, StripeLinksTableStore>();
        services.AddSingleton<IStripeFailures, StripeFailuresTableStore>();
        services.AddSingleton<IStripeEventQueue, StripeEventQueue>();
        services.AddSingleton<Stripe.StripeEventParser>();
        services.AddSingleton<BillingEventApplier>();
        services.AddSingleton<BillingEventProcessor>();
        return services;
    }
}
