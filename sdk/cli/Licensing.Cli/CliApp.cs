using Licensing.Cli.Commands;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Licensing.Cli;

/// <summary>The command tree of <c>licensing</c>, with the examples its help shows.</summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct = default)
    {
        var services = new ServiceCollection().AddSingleton(env);
        var app = new CommandApp(new Registrar(services));
        app.Configure(config =>
        {
            config.SetApplicationName("licensing");
            config.Settings.Console = env.Console;
            config.Settings.ExceptionHandler = (e, _) =>
            {
                env.Err.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            };
            config.AddCommand<LoginCommand>("login").WithDescription("Sign in: save an API key, or exchange a sign-in link for a session.")
                .WithExample("login", "--api-key", "lsk_live_…", "--url", "https://my-licensing.azurewebsites.net/api/")
                .WithExample("login", "--link", "\"https://…/signin?token=…\"");
            config.AddCommand<LogoutCommand>("logout").WithDescription("Forget the saved login.");
            config.AddBranch("products", b =>
            {
                b.SetDescription("Products and their plans.");
                b.AddCommand<ProductsListCommand>("list").WithDescription("Every product of the account.");
                b.AddCommand<ProductShowCommand>("show").WithDescription("One product and its plans.").WithExample("products", "show", "my-plugin");
                b.AddCommand<ProductApplyCommand>("apply").WithDescription("Create or update a product from a JSON or YAML file.")
                    .WithExample("products", "apply", "my-plugin.yaml");
            });
            config.AddBranch("licenses", b =>
            {
                b.SetDescription("Issue, find and change licenses.");
                b.AddCommand<LicenseCreateCommand>("create")
                    .WithDescription("Issue a license (the key is e-mailed by the backend's flows, not here).")
                    .WithExample("licenses", "create", "--product", "my-plugin", "--plan", "pro", "--email", "ada@example.com", "--domain", "ada.example");
                b.AddCommand<LicenseListCommand>("list").WithDescription("Licenses, filtered by product, e-mail or status.")
                    .WithExample("licenses", "list", "--status", "suspended").WithExample("licenses", "list", "--email", "ada@example.com", "--json");
                b.AddCommand<LicenseShowCommand>("show").WithDescription("One license with its key and activations.");
                b.AddCommand<LicenseSuspendCommand>("suspend").WithDescription("Stop a license validating until reinstated.");
                b.AddCommand<LicenseReinstateCommand>("reinstate").WithDescription("Undo a suspension.");
                b.AddCommand<LicenseRevokeCommand>("revoke").WithDescription("End a license for good (refund, abuse).");
                b.AddCommand<LicenseRenewCommand>("renew").WithDescription("Set a new expiry.")
                    .WithExample("licenses", "renew", "lic_…", "--expires", "2028-01-31");
                b.AddCommand<LicenseEditCommand>("edit")
                    .WithDescription("Change e-mail (transfer), plan, features, activation limit, expiry or metadata.")
                    .WithExample("licenses", "edit", "lic_…", "--email", "new-owner@example.com");
            });
            config.AddCommand<ImportCommand>("import").WithDescription("Bring existing keys from another licensing system; customers keep their keys.")
                .WithExample("import", "licenses.csv", "--from", "edd", "--product", "my-plugin", "--plan", "pro")
                .WithExample("import", "keys.csv", "--from", "lemonsqueezy", "--product", "my-plugin", "--map", "Pro=pro", "--map", "Agency=agency");
            config.AddCommand<ExportCommand>("export").WithDescription("Every license as CSV.")
                .WithExample("export", "--product", "my-plugin", "-o", "licenses.csv");
            config.AddBranch("codes", b =>
            {
                b.SetDescription("Lifetime-deal redemption codes.");
                b.AddCommand<CodesGenerateCommand>("generate").WithDescription("Generate a batch of codes as CSV (shown once).")
                    .WithExample("codes", "generate", "--product", "my-plugin", "--plan", "lifetime", "--count", "500");
            });
            config.AddCommand<MetricsCommand>("metrics").WithDescription("The five founder metrics beside their targets, with sparklines.");
            config.AddBranch("webhooks", b =>
            {
                b.SetDescription("Payment-provider events that failed, and replaying them.");
                b.AddCommand<WebhookFailuresCommand>("failures").WithDescription("Events whose processing failed, and why.");
                b.AddCommand<WebhookReplayCommand>("replay").WithDescription("Process a failed event again after fixing its cause.");
            });
            config.AddCommand<KeysCommand>("keys").WithDescription("The signing keys (JWKS) to pin into your app for offline checks.")
                .WithExample("keys", "--json");
        });
        return app.RunAsync(args, ct);
    }

    /// <summary>Spectre's registrar over Microsoft.Extensions.DependencyInjection: commands get the environment by constructor.</summary>
    private sealed class Registrar(IServiceCollection services) : ITypeRegistrar
    {
        public void Register(Type service, Type implementation) => services.AddSingleton(service, implementation);
        public void RegisterInstance(Type service, object implementation) => services.AddSingleton(service, implementation);
        public void RegisterLazy(Type service, Func<object> factory) => services.AddSingleton(service, _ => factory());
        public ITypeResolver Build() => new Resolver(services.BuildServiceProvider());
    }

    private sealed class Resolver(IServiceProvider provider) : ITypeResolver, IDisposable
    {
        public object? Resolve(Type? type) => type is null ? null : provider.GetService(type) ?? ActivatorUtilities.CreateInstance(provider, type);
        public void Dispose() => (provider as IDisposable)?.Dispose();
    }
}
