using System.ComponentModel;
using Licensing.Management;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Licensing.Cli.Commands;

public sealed class MetricsSettings : ApiSettings
{
    [CommandOption("-p|--product <PRODUCT_ID>")][Description("One product (default: all).")] public string? ProductId { get; set; }
    [CommandOption("--days <N>")][Description("The last N days (default 30, at most 400).")] public int Days { get; set; } = 30;
}

/// <summary>The five founder metrics, each beside its target, green or red, with a sparkline of the daily series.</summary>
public sealed class MetricsCommand(CliEnvironment env) : ApiCommand<MetricsSettings>(env)
{
    protected override async Task<int> RunAsync(MetricsSettings s, CancellationToken ct)
    {
        if (s.Days is < 1 or > 400) throw new UsageException("--days must be 1-400");
        var to = DateOnly.FromDateTime(DateTime.UtcNow);
        using var client = Client(s);
        var report = await client.GetMetricsAsync(s.ProductId, to.AddDays(1 - s.Days), to, ct);
        var metrics = MetricTarget.From(report);
        if (s.Json)
        {
            WriteJson(new
            {
                report.From,
                report.To,
                report.ProductId,
                metrics = metrics.Select(m => new { m.Name, m.Value, m.Target, m.HigherIsBetter, met = m.Met, m.Series }),
            });
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("metric", "value", "target", "", $"last {s.Days} days");
        foreach (var m in metrics)
        {
            var verdict = m.Met switch { true => "[green]✔ on target[/]", false => "[red]✘ off target[/]", null => "[grey]no data yet[/]" };
            table.AddRow(m.Label, m.Format(m.Value), (m.HigherIsBetter ? "> " : "< ") + m.Format(m.Target), verdict, Sparkline.Of(m.Series));
        }
        Console.MarkupLineInterpolated($"[bold]{report.ProductId ?? "All products"}[/], {report.From} to {report.To}: {report.Validations} validations");
        Console.Write(table);
        return ExitCodes.Ok;
    }
}

/// <summary>A series as block characters, lowest to highest; a gap (no data) is a space.</summary>
public static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    public static string Of(IReadOnlyList<double?> series)
    {
        var values = series.Where(v => v is not null).Select(v => v!.Value).ToArray();
        if (values.Length == 0) return "";
        double min = values.Min(), max = values.Max();
        return string.Concat(series.Select(v => v is not { } x ? ' '
            : max == min ? Blocks[Blocks.Length / 2] : Blocks[(int)Math.Round((x - min) / (max - min) * (Blocks.Length - 1))]));
    }
}
