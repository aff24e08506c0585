using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Licensing.Domain.Audit;
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
        services.AddSingleton<IBillingFailures, BillingFailuresTableStore>();
        // Customer erasure reaches the raw events, the failures and the provider customers' e-mail rows.
        services.AddSingleton(sp => new CustomerDataErasure("stripeevents", ActivatorUtilities.CreateInstance<BillingInboxTableStore>(sp).EraseAsync));
        services.AddSingleton(sp => new CustomerDataErasure("stripefailures", ActivatorUtilities.CreateInstance<BillingFailuresTableStore>(sp).EraseAsync));
        services.AddSingleton(sp => new CustomerDataErasure("stripelinks", sp.GetRequiredService<BillingLinksTableStore>().EraseAsync));
        services.AddSingleton<IBillingEventQueue, BillingEventQueue>();
        services.AddSingleton<BillingIntake>();
        services.AddSingleton<BillingLinksTableStore>();
        services.AddSingleton<IBillingLinks>(sp => sp.GetRequiredService<BillingLinksTableStore>());
        services.AddSingleton<IBillingCustomers>(sp => sp.GetRequiredService<BillingLinksTableStore>());
        services.AddSingleton<BillingParsers>();
        services.AddProvider<Stripe.StripeEventParser, Stripe.StripeConnector>();
        services.AddSingleton<Stripe.StripeInbound>();
        services.AddProvider<LemonSqueezy.LemonSqueezyEventParser, LemonSqueezy.LemonSqueezyConnector>();
        services.AddSingleton<LemonSqueezy.LemonSqueezyInbound>();
        services.AddProvider<Paddle.PaddleEventParser, Paddle.PaddleConnector>();
        services.AddSingleton<Paddle.PaddleCustomerClient>();
        services.AddSingleton<Paddle.PaddleInbound>();
        services.AddProvider<Gumroad.GumroadEventParser, Gumroad.GumroadConnector>();
        services.AddSingleton<Gumroad.GumroadInbound>();
        // Simulated purchases (POST /v1/integrations/{provider}/simulate): one per provider that can mark a purchase test.
        services.AddSingleton<Simulation.IPurchaseSimulator, Stripe.StripeSimulator>();
        services.AddSingleton<Simulation.IPurchaseSimulator, LemonSqueezy.LemonSqueezySimulator>();
        services.AddSingleton<Simulation.IPurchaseSimulator, Paddle.PaddleSimulator>();
        services.AddSingleton<Simulation.IPurchaseSimulator, Gumroad.GumroadSimulator>();
        services.AddSingleton<BillingEventApplier>();
        services.AddSingleton<BillingEventProcessor>();
        return services;
    }

    /// <summary>A payment provider on the seam: its parser (the processor picks it by provider) and its connection step.</summary>
    public static IServiceCollection AddProvider<TParser, TConnector>(this IServiceCollection services)
        where TParser : class, IBillingEventParser where TConnector : class, IProviderConnector
    {
        services.AddSingleton<TParser>();
        services.AddSingleton<IBillingEventParser>(sp => sp.GetRequiredService<TParser>());
        services.AddSingleton<IProviderConnector, TConnector>();
        return services;
    }
}
