using Azure.Core;
using Licensing.Domain.Accounts;
using Licensing.Domain.Activations;
using Licensing.Domain.Keys;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Validation;
using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Azure.Security.KeyVault.Secrets;
using Licensing.Domain.Billing;
using Licensing.Domain.Email;
using Licensing.Domain.Deals;
using Licensing.Domain.Metrics;
using Licensing.Domain.Quotas;
using Licensing.Domain.Usage;
using Licensing.Functions.Accounts;
using Licensing.Functions.Deals;
using Licensing.Functions.Metrics;
using Licensing.Functions.Usage;
using Licensing.Functions.Billing;
using Licensing.Functions.Email;
using Licensing.Functions.Activity;
using Licensing.Functions.Http;
using Licensing.Functions.Licenses;
using Licensing.Functions.Products;
using Licensing.Functions.Signing;
using Licensing.Functions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Hosting;

/// <summary>The app's services, registered once for both hosts (the Functions worker and functions/Licensing.LocalHost).</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddLicensing(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(LicensingOptions.Section).Get<LicensingOptions>() ?? new LicensingOptions();
        StartupChecks.Validate(options, configuration);

        services.Configure<LicensingOptions>(configuration.GetSection(LicensingOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TokenCredential>(_ => TableStorage.CreateCredential(options));
        services.AddSingleton(sp => new TableStorage(TableStorage.CreateServiceClient(options, sp.GetRequiredService<TokenCredential>())));
        services.AddSingleton(sp => new QueueStorage(QueueStorage.CreateServiceClient(options, sp.GetRequiredService<TokenCredential>())));
        services.AddHostedService<StorageInitializer>();

        services.AddSingleton<IRootSigner>(sp => string.IsNullOrWhiteSpace(options.Signing.KeyVaultUri)
            ? new LocalRootSigner(options.Signing.LocalKeyPath)
            : new KeyVaultRootSigner(new Uri(options.Signing.KeyVaultUri), options.Signing.KeyName, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton<PublicKeyCache>();
        services.AddSingleton<IDelegatedKeyRegistry, DelegatedKeyTableRegistry>();
        services.AddSingleton<DelegatedKeyProvider>();
        services.AddSingleton<JwksProvider>();
        services.AddSingleton<CertificateIssuer>();
        services.AddHostedService<DelegatedKeyWarmup>();

        services.AddSingleton<IAccountStore, AccountTableStore>();
        services.AddSingleton<IProductStore, ProductTableStore>();
        services.AddSingleton<ILicenseStore, LicenseTableStore>();
        services.AddSingleton(sp => new LicenseReadCache(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(Math.Clamp(options.LicenseCacheSeconds, 0, 60))));
        services.AddSingleton(sp => new LicenseService(sp.GetRequiredService<ILicenseStore>(), sp.GetRequiredService<IProductStore>(),
            sp.GetRequiredService<IRootSigner>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IQuotaStore>(), sp.GetRequiredService<LicenseReadCache>()));
        services.AddSingleton<IIdempotencyStore, IdempotencyTableStore>();
        services.AddSingleton<IdempotentIssuance>();
        services.AddSingleton<AccountService>();
        services.AddSingleton(sp => new ProductService(sp.GetRequiredService<IProductStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ProductCache>()));
        services.AddSingleton<ProductCache>();
        services.AddSingleton<ActivationService>();
        services.AddSingleton(sp => new AbuseGuard(sp.GetRequiredService<TimeProvider>(), options.RateLimits));
        services.AddSingleton<IActivityStore, ActivityTableStore>();
        services.AddSingleton<ActivityRecorder>();
        services.AddSingleton<IMetricsStore, MetricsTableStore>();
        services.AddSingleton<IQuotaStore, QuotaTableStore>();
        services.AddSingleton<QuotaGate>();
        services.AddSingleton<IQuotaNotifier, QuotaNotifier>();
        services.AddSingleton<IActivityBatchConsumer, SharingAutoSuspend>();
        services.AddSingleton<IActivityBatchConsumer, ValidationMetrics>();
        services.AddSingleton<IActivityBatchConsumer, ValidationQuota>();
        services.AddSingleton<ActivityFlusher>();
        services.AddSingleton<IUsageLedger, UsageTableStore>();
        services.AddSingleton<UsageCache>();
        services.AddSingleton<ICodeStore, CodeTableStore>();
        services.AddSingleton<DealService>();
        services.AddSingleton<ILicenseScan>(sp => (LicenseTableStore)sp.GetRequiredService<ILicenseStore>());
        services.AddSingleton<LifecycleJobs>();
        services.AddHostedService<ActivityFlushService>();
        services.AddSingleton<KeyedLicenseReader>();
        services.AddSingleton<ValidateLicense>();
        services.AddSingleton<ActivateLicense>();
        services.AddSingleton<DeactivateLicense>();
        services.AddSingleton<ReportUsage>();

        // Stripe → license → inbox
        services.AddSingleton<ISecretStore>(sp => string.IsNullOrWhiteSpace(options.Signing.KeyVaultUri)
            ? LocalProtectedSecretStore.Create(sp.GetRequiredService<TableStorage>(), options.LocalSecretsKeyPath)
            : new KeyVaultSecretStore(new SecretClient(new Uri(options.Signing.KeyVaultUri), sp.GetRequiredService<TokenCredential>()), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IStripeInbox, StripeInboxTableStore>();
        services.AddSingleton<IStripeLinks, StripeLinksTableStore>();
        services.AddSingleton<IStripeFailures, StripeFailuresTableStore>();
        services.AddSingleton<IStripeEventQueue, StripeEventQueue>();
        services.AddSingleton<Billing.Stripe.StripeEventParser>();
        services.AddSingleton<BillingEventApplier>();
        services.AddSingleton<BillingEventProcessor>();
        services.AddSingleton<IEmailOutbox, EmailOutboxTableStore>();
        services.AddSingleton<IEmailQueue, EmailQueue>();
        services.AddSingleton<IEmailSender>(sp => string.IsNullOrWhiteSpace(options.Email.AcsEndpoint)
            ? new SmtpEmailSender(sp.GetRequiredService<IOptions<LicensingOptions>>())
            : new AcsEmailSender(new Uri(options.Email.AcsEndpoint), options.Email.From,
                string.IsNullOrEmpty(options.Email.AcsAccessKey) ? sp.GetRequiredService<TokenCredential>() : null, options.Email.AcsAccessKey));
        services.AddSingleton<EmailOutboxService>();
        services.AddSingleton<RequestAuth>();
        services.AddSingleton<ContinuationTokens>();
        services.AddSingleton<PublicPathBudget>();
        return services;
    }
}

/// <summary>Configuration checks at start. In Azure the app refuses to start rather than run half-configured.</summary>
public static class StartupChecks
{
    /// <summary>App Service and Functions set these on every instance; their presence means "running in Azure".</summary>
    public static bool IsRunningInAzure(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["WEBSITE_INSTANCE_ID"]) || !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]);

    /// <summary>The shortest admin key accepted in Azure: a bearer secret a person could guess is no secret.</summary>
    public const int MinAdminKeyLength = 32;

    public static void Validate(LicensingOptions options, IConfiguration configuration)
    {
        if (IsRunningInAzure(configuration)) ValidateForAzure(options, configuration);
        if (options.ClientAddress.Source is not (ClientAddressOptions.Connection or ClientAddressOptions.XForwardedFor) || options.ClientAddress.TrustedHops is < 1 or > 10)
            throw new InvalidOperationException(
                $"{LicensingOptions.Section}:ClientAddress must have Source {ClientAddressOptions.Connection} or {ClientAddressOptions.XForwardedFor} and TrustedHops 1-10.");
    }

    private static void ValidateForAzure(LicensingOptions options, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(options.Signing.KeyVaultUri))
            throw new InvalidOperationException(
                $"{LicensingOptions.Section}:Signing:KeyVaultUri is not set (app setting {LicensingOptions.Section}__Signing__KeyVaultUri). " +
                "In Azure the root signing key must live in Key Vault; the local signing key is for local runs only.");
        foreach (var setting in ProductionSettings.All)
            if (string.IsNullOrWhiteSpace(configuration[ProductionSettings.ConfigurationKey(setting.Name)]))
                throw new InvalidOperationException($"App setting {setting.Name} is not set ({setting.Purpose}); infra/resources.bicep sets it.");
        if (options.AdminKey is { Length: < MinAdminKeyLength })
            throw new InvalidOperationException(
                $"{LicensingOptions.Section}:AdminKey is shorter than {MinAdminKeyLength} characters; in Azure the admin key must be a long random secret (e.g. openssl rand -base64 32).");
    }
}
