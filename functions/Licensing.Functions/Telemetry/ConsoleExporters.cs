using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Licensing.Functions.Telemetry;

/// <summary>
/// The console view of the telemetry for local runs: one log line per finished span and per metric point, written through the
/// logger category <see cref="Category"/>, so the host's console formatter prints it beside the logs and the usual log-level
/// settings turn it down (docs/observability.md).
/// </summary>
public static class ConsoleTelemetryExport
{
    public const string Category = "Licensing.Telemetry";
}

/// <summary>One line per finished span: its source, name, kind, outcome and duration; the peer and HTTP status when the span has them.</summary>
public sealed class ConsoleSpanExporter(ILogger logger) : BaseExporter<System.Diagnostics.Activity>
{
    public override ExportResult Export(in Batch<System.Diagnostics.Activity> batch)
    {
        foreach (var span in batch)
        {
            var status = span.GetTagItem("http.response.status_code") ?? span.GetTagItem("http.status_code");
            var peer = span.GetTagItem("server.address") ?? span.GetTagItem("net.peer.name");
            logger.LogInformation("span {Source} {Name} {Kind} {Outcome} {Milliseconds:F1} ms peer={Peer} status={HttpStatus}",
                span.Source.Name, span.DisplayName, span.Kind, span.Status == ActivityStatusCode.Error ? "error" : "ok",
                span.Duration.TotalMilliseconds, peer ?? "-", status ?? "-");
        }
        return ExportResult.Success;
    }
}

/// <summary>One line per metric point: the instrument, its tags and its value (cumulative sums; gauges' last values).</summary>
public sealed class ConsoleMetricExporter(ILogger logger) : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (var metric in batch)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                object? value = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                    MetricType.Histogram => point.GetHistogramSum(),
                    _ => null,
                };
                if (value is null) continue;
                var tags = new List<string>();
                foreach (var tag in point.Tags) tags.Add(string.Create(CultureInfo.InvariantCulture, $"{tag.Key}={tag.Value}"));
                logger.LogInformation("metric {Metric}{{{Tags}}} {Value}", metric.Name, string.Join(',', tags), value);
            }
        }
        return ExportResult.Success;
    }
}
