using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Licensing.Domain.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Licensing.Functions.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>The Azure SDK's ActivitySources: one dependency span per storage, Key Vault or e-mail call.</summary>
    public const string AzureSdkSources = "Azure.*";

    /// <summary>
    /// OpenTelemetry for both hosts (docs/observability.md): the <see cref="LicensingMetrics.Meter"/> and the Azure SDK's dependency
    /// traces, exported to Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (sampled by
    /// <see cref="TelemetryOptions.SamplingRatio"/>; logs with their scopes too) and to the console when
    /// <see cref="TelemetryOptions.Console"/> asks for it. Plus the queue gauges' refresher, the timer-run record and the readiness view.
    /// </summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, TelemetryOptions options, IConfiguration configuration)
    {
        services.AddSingleton<ITimerRunStore, TimerRunTableStore>();
        services.AddSingleton<TimerRunRecorder>();
        services.AddSingleton<QueueProbe>();
        services.AddSingleton<ReadinessProbe>();
        services.AddHostedService<QueueGaugeRefresher>();

        var azureMonitor = !string.IsNullOrWhiteSpace(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        var spansToConsole = options.Console == ConsoleTelemetry.All;
        if (!azureMonitor && options.Console == ConsoleTelemetry.Off) return services;

        // The Azure SDK emits its spans through ActivitySource only behind this switch (the Azure Monitor distro sets it too).
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("licensing"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(LicensingMetrics.MeterName);
                if (options.Console != ConsoleTelemetry.Off)
                    metrics.AddReader(sp => new PeriodicExportingMetricReader(new ConsoleMetricExporter(Logger(sp)), options.ConsoleIntervalSeconds * 1000));
            });
        if (azureMonitor || spansToConsole)
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(AzureSdkSources);
                if (spansToConsole) tracing.AddProcessor(sp => new SimpleActivityExportProcessor(new ConsoleSpanExporter(Logger(sp))));
            });
        if (azureMonitor)
        {
            telemetry.UseAzureMonitorExporter(o =>
            {
                o.SamplingRatio = (float)options.SamplingRatio;
                o.TracesPerSecond = null;
            });
            // Entra ID ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING in Azure): the app's own identity.
            if (!string.IsNullOrWhiteSpace(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]))
                services.AddOptions<AzureMonitorExporterOptions>().Configure<TokenCredential>((o, credential) => o.Credential = credential);
            services.Configure<OpenTelemetryLoggerOptions>(o => o.IncludeScopes = true);
        }
        return services;
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(ConsoleTelemetryExport.Category);
}
