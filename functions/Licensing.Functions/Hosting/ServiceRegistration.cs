using Licensing.Functions.Accounts;
using Licensing.Functions.Activations;
using Licensing.Functions.Activity;
using Licensing.Functions.Audit;
using Licensing.Functions.Billing;
using Licensing.Functions.Billing.AppSumo;
using Licensing.Functions.Deals;
using Licensing.Functions.Email;
using Licensing.Functions.HotRefresh;
using Licensing.Functions.Http;
using Licensing.Functions.Imports;
using Licensing.Functions.KeyAliases;
using Licensing.Functions.Licenses;
using Licensing.Functions.Lifecycle;
using Licensing.Functions.Metrics;
using Licensing.Functions.Portal;
using Licensing.Functions.Products;
using Licensing.Functions.Pruning;
using Licensing.Functions.Quotas;
using Licensing.Functions.Releases;
using Licensing.Functions.ShortKeys;
using Licensing.Functions.Signing;
using Licensing.Functions.Storage;
using Licensing.Functions.Telemetry;
using Licensing.Functions.Trials;
using Licensing.Functions.Usage;
using Licensing.Functions.Validation;
using Licensing.Functions.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Hosting;

/// <summary>
/// The app's services, registered once for both hosts (the Functions worker and functions/Licensing.LocalHost): the
/// options, validated, then each capability's own registration (the <c>*Registration.cs</c> file in its folder).
/// </summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddLicensing(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(LicensingOptions.Section);
        var options = section.Get<LicensingOptions>() ?? new LicensingOptions();
        var validator = new LicensingOptionsValidator(configuration);
        // Checked here, so a host that is misconfigured fails where it is built, and again when the host starts.
        validator.ThrowIfInvalid(options);
        services.AddSingleton<IValidateOptions<LicensingOptions>>(validator);
        services.AddOptions<LicensingOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        // Hosted services start in this order: storage first (tables and queues), then the delegated key, then the flusher.
        return services
            .AddStorage(options)
            .AddSigning()
            .AddAccounts()
            .AddPortal()
            .AddProducts()
            .AddLicenses()
            .AddHotRefresh()
            .AddKeyAliases()
            .AddShortKeys()
            .AddAudit()
            .AddImports()
            .AddValidation()
            .AddActivations()
            .AddUsage()
            .AddQuotas()
            .AddFounderMetrics()
            .AddActivity()
            .AddDeals()
            .AddTrials()
            .AddLifecycle()
            .AddBilling()
            .AddAppSumo()
            .AddEmail()
            .AddReleases()
            .AddWebhooks()
            .AddPruning()
            .AddTelemetry(options.Telemetry, configuration)
            .AddHttp();
    }
}
