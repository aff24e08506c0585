using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Billing.AppSumo;

public static class AppSumoRegistration
{
    /// <summary>AppSumo Licensing on the shared billing pipeline: settings, the event parser and applier, the key e-mail, the OAuth client.</summary>
    public static IServiceCollection AddAppSumo(this IServiceCollection services)
    {
        services.AddSingleton<AppSumoIntegration>();
        services.AddProvider<AppSumoEventParser, AppSumoConnector>();
        services.AddSingleton<AppSumoKeyEmail>();
        services.AddSingleton<AppSumoApplier>();
        services.AddSingleton(sp => new AppSumoClient(new HttpClient { Timeout = TimeSpan.FromSeconds(10) },
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.LicensingOptions>>()));
        return services;
    }
}
