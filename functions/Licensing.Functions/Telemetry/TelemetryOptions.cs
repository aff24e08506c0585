namespace Licensing.Functions.Telemetry;

/// <summary>What the console shows besides the logs (docs/observability.md).</summary>
public enum ConsoleTelemetry
{
    /// <summary>Logs only.</summary>
    Off,

    /// <summary>Plus one line per instrument and tag set every <see cref="TelemetryOptions.ConsoleIntervalSeconds"/>.</summary>
    Metrics,

    /// <summary>Plus one line per finished span: every storage call (the Azure SDK's dependency traces).</summary>
    All,
}

/// <summary><c>Licensing:Telemetry</c>: sampling in Azure, the console view locally, how often the queue gauges are read.</summary>
public sealed class TelemetryOptions
{
    public ConsoleTelemetry Console { get; set; } = ConsoleTelemetry.Off;

    public int ConsoleIntervalSeconds { get; set; } = 60;

    /// <summary>The share of traces (requests, dependencies) sent to Application Insights, 0-1; metrics are never sampled.</summary>
    public double SamplingRatio { get; set; } = 1.0;

    public int GaugeRefreshSeconds { get; set; } = 60;
}
