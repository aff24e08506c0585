using System.ComponentModel;
using System.Globalization;
using Licensing.Cli.Import;
using Licensing.Management;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Licensing.Cli.Commands;

public sealed class ExportSettings : ApiSettings
{
    [CommandOption("-p|--product <PRODUCT_ID>")] public string? ProductId { get; set; }
    [CommandOption("-s|--status <STATUS>")] public string? Status { get; set; }
    [CommandOption("-o|--output <FILE>")][Description("Write to this file (default: standard output).")] public string? Output { get; set; }
}

/// <summary>Every license as CSV, page after page (streamed: a large account never sits in memory).</summary>
public sealed class ExportCommand(CliEnvironment env) : ApiCommand<ExportSettings>(env)
{
    public static readonly string[] Columns =
    [
        "licenseId", "licenseKey", "productId", "plan", "status", "customerEmail", "features", "domains", "maxActivations", "expiresAt",
        "createdAt",
    ];

    protected override async Task<int> RunAsync(ExportSettings s, CancellationToken ct)
    {
        using var client = Client(s);
        await using var file = s.Output is null ? null : new StreamWriter(s.Output);
        var writer = (TextWriter?)file ?? Env.Out;
        writer.WriteLine(Csv.Line(Columns));
        var count = 0;
        await foreach (var l in client.AllLicensesAsync(new LicenseFilter(s.ProductId, null, s.Status), ct))
        {
            writer.WriteLine(Csv.Line([
                l.LicenseId, l.LicenseKey ?? "", l.ProductId, l.Plan, l.Status, l.CustomerEmail ?? "", string.Join(' ', l.Features),
                string.Join(' ', l.Domains), l.MaxActivations?.ToString(CultureInfo.InvariantCulture) ?? "", l.ExpiresAt?.ToString("O") ?? "",
                l.CreatedAt.ToString("O"),
            ]));
            count++;
        }
        Env.Err.WriteLine($"exported {count} license(s)");
        return ExitCodes.Ok;
    }
}

public sealed class CodesGenerateSettings : ApiSettings
{
    [CommandOption("-p|--product <PRODUCT_ID>")] public string? ProductId { get; set; }
    [CommandOption("--plan <PLAN>")][Description("A lifetime plan of the product.")] public string? Plan { get; set; }
    [CommandOption("-c|--count <N>")][Description("How many codes (1-10000).")] public int Count { get; set; }
}

/// <summary>A batch of lifetime-deal codes as CSV: they are shown once, so the output is the only copy.</summary>
public sealed class CodesGenerateCommand(CliEnvironment env) : ApiCommand<CodesGenerateSettings>(env)
{
    protected override async Task<int> RunAsync(CodesGenerateSettings s, CancellationToken ct)
    {
        if (s.Count is < 1 or > 10000) throw new UsageException("--count must be 1-10000");
        using var client = Client(s);
        var batch = await client.GenerateCodesAsync(s.ProductId ?? throw new UsageException("--product is required"),
            s.Plan ?? throw new UsageException("--plan is required"), s.Count, ct);
        if (s.Json) { WriteJson(batch); return ExitCodes.Ok; }
        Env.Out.WriteLine(Csv.Line(["code", "productId", "plan", "batchId"]));
        foreach (var code in batch.Codes ?? []) Env.Out.WriteLine(Csv.Line([code, batch.ProductId, batch.Plan, batch.BatchId]));
        Env.Err.WriteLine($"{batch.Codes?.Count ?? 0} code(s) in batch {batch.BatchId}: they are shown only once, keep this file.");
        return ExitCodes.Ok;
    }
}

public class FailuresSettings : ApiSettings
{
    [CommandOption("--provider <PROVIDER>")]
    [Description("stripe (default), lemonsqueezy, paddle, gumroad or appsumo.")]
    public string Provider { get; set; } = "stripe";
}

public sealed class WebhookFailuresCommand(CliEnvironment env) : ApiCommand<FailuresSettings>(env)
{
    protected override async Task<int> RunAsync(FailuresSettings s, CancellationToken ct)
    {
        using var client = Client(s);
        var failures = await client.ListFailuresAsync(s.Provider, ct);
        if (s.Json) { WriteJson(failures); return ExitCodes.Ok; }
        if (failures.Count == 0) { Console.MarkupLine("[green]No failed events.[/]"); return ExitCodes.Ok; }
        var table = new Table().AddColumns("event", "type", "attempts", "failed", "reason");
        foreach (var f in failures)
            table.AddRow(Markup.Escape(f.EventId), Markup.Escape(f.Type ?? ""), f.Attempts.ToString(CultureInfo.InvariantCulture),
                f.FailedAt?.ToString("u") ?? "", Markup.Escape(f.Reason ?? ""));
        Console.Write(table);
        Console.MarkupLine("Fix the cause (e.g. a plan's price id), then [bold]licensing webhooks replay <event>[/].");
        return ExitCodes.Ok;
    }
}

public sealed class ReplaySettings : FailuresSettings
{
    [CommandArgument(0, "<eventId>")] public string EventId { get; set; } = "";
}

public sealed class WebhookReplayCommand(CliEnvironment env) : ApiCommand<ReplaySettings>(env)
{
    protected override async Task<int> RunAsync(ReplaySettings s, CancellationToken ct)
    {
        using var client = Client(s);
        await client.ReplayFailureAsync(s.Provider, s.EventId, ct);
        if (s.Json) WriteJson(new { replayed = s.EventId, provider = s.Provider });
        else Console.MarkupLineInterpolated($"Queued {s.EventId} again; it is processed within seconds.");
        return ExitCodes.Ok;
    }
}
