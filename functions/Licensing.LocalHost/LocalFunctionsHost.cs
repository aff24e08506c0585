using System.Text.Json;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Licensing.LocalHost;

/// <summary>
/// The local host: serves the very same function classes over Kestrel, with the route prefix from host.json and
/// settings from local.settings.json (or the sample), and drives their queue and timer triggers, for machines without
/// the Functions Core Tools. Production and <c>func start</c> use the real Functions host; this host exists for local
/// runs, end-to-end tests and load tests, runs as Development, and ships apart from the function app.
/// docs/local-host.md says what it does and does not emulate.
/// </summary>
public static class LocalFunctionsHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Builds the host. <paramref name="overrides"/> win over every other setting (tests use them).</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null, string? contentRoot = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var catalog = FunctionCatalog.Load(typeof(ServiceRegistration).Assembly);
        var root = contentRoot ?? FindContentRoot();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = root,
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.Sources.Clear();
        AddLocalSettings(builder.Configuration, root);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? DefaultUrl);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Azure", LogLevel.Warning);

        builder.Services.AddLicensing(builder.Configuration);
        builder.Services.AddOptions<LocalHostOptions>()
            .Bind(builder.Configuration.GetSection(LocalHostOptions.Section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(catalog);
        builder.Services.AddHostedService<LocalQueueRunner>();
        builder.Services.AddHostedService<LocalTimerRunner>();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LocalHost");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await Execute(Problem.From(e, logger, context.RequestAborted).ToResult(), context);
            }
        });

        var prefix = HostSettings.RoutePrefix;
        foreach (var function in catalog.Http)
        {
            var pattern = (prefix.Length == 0 ? "/" : "/" + prefix + "/") + function.Route;
            app.MapMethods(pattern, function.Methods, context => Invoke(function, context)).WithDisplayName(function.Name);
        }
        DashboardFiles.Map(app, app.Configuration[$"{LocalHostOptions.Section}:{nameof(LocalHostOptions.DashboardRoot)}"], prefix,
            context => Execute(Problem.NotFoundRoute(context.Request.Path).ToResult(), context));
        return app;
    }

    /// <summary>Calls the function method the way the worker does and executes the <see cref="IActionResult"/> it returns.</summary>
    private static async Task Invoke(HttpFunction function, HttpContext context) =>
        await Execute(await (Task<IActionResult>)FunctionInvoker.Start(context.RequestServices, function.Method, function.Arguments, context), context);

    /// <summary>
    /// Every result runs with one descriptor, as MVC shares one per action: a new <see cref="ActionDescriptor"/> makes a
    /// <see cref="Guid"/> and its string (about 2 µs, a random-number call, on every request).
    /// </summary>
    private static readonly ActionDescriptor Descriptor = new();

    private static Task Execute(IActionResult result, HttpContext context) =>
        result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), Descriptor));

    /// <summary>
    /// The "Values" of local.settings.json (or, when there is none, local.settings.sample.json), with <c>__</c>
    /// meaning a section separator, exactly as the Functions host turns them into environment variables.
    /// </summary>
    public static void AddLocalSettings(IConfigurationBuilder configuration, string root)
    {
        var path = new[] { "local.settings.json", "local.settings.sample.json" }.Select(f => Path.Combine(root, f)).FirstOrDefault(File.Exists);
        if (path is null) return;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (!doc.RootElement.TryGetProperty("Values", out var values)) return;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in values.EnumerateObject())
            settings[ProductionSettings.ConfigurationKey(property.Name)] =
                property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
        configuration.AddInMemoryCollection(settings);
    }

    /// <summary>The repository root when run from a checkout (where host.json sits), else the app's folder.</summary>
    private static string FindContentRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "host.json")) && File.Exists(Path.Combine(dir.FullName, "Licensing.Functions.sln")))
                return dir.FullName;
        return AppContext.BaseDirectory;
    }
}
