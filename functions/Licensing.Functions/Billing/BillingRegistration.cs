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
    /// Every payment provider → inbox → queue → license: the webhook secrets (Key Vault when <see cref="SigningOptions.KeyVaultUri"/> is set, else
    /// encrypted in local storage), the inbox, the event queue and its processor.
    /// </summary>
    public static IServiceCollection AddBilling(this IServiceCollection services)
    {
        services.AddSingleton<ISecretStore>(sp => sp.GetRequiredService<IOptions<LicensingOptions>>().Value is var options
            && string.IsNullOrWhiteSpace(options.Signing.KeyVaultUri)
            ? LocalProtectedSecretStore.Create(sp.GetRequiredService<TableStorage>(), options.LocalSecretsKeyPath)
            : new KeyVaultSecretStore(new SecretClient(new Uri(options.Signing.KeyVaultUri), sp.GetRequiredService<TokenCredential>()),
                sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IBillingInbox, BillingInboxTableStore>();
        services.AddSingleton<IBillingLinks, BillingLinksTableStore>();
        services.AddSingleton<IBillingFailures, BillingFailuresTableStore>();
        services.AddSingleton<IBillingEventQueue, BillingEventQueue>();
        services.AddSingleton<BillingIntake>();
        services.AddSingleton<Stripe.StripeEventParser>();
        services.AddSingleton<IBillingEventParser>(sp => sp.GetRequiredService<Stripe.StripeEventParser>());
        services.AddSingleton<BillingParsers>();
        services.AddSingleton<BillingEventApplier>();
        services.AddSingleton<BillingEventProcessor>();
        return services;
    }
}
