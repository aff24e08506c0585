using System.ComponentModel;
using System.Text.Json;
using Licensing.Cli.Import;
using Licensing.Management;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Licensing.Cli.Commands;

public sealed class ImportSettings : ApiSettings
{
    [CommandArgument(0, "<file>")]
    [Description("The export: CSV (EDD, Lemon Squeezy, Gumroad, Freemius) or Keygen's JSON.")]
    public string File { get; set; } = "";

    [CommandOption("--from <SOURCE>")]
    [Description("edd, lemonsqueezy, gumroad, freemius or keygen.")]
    public string? From { get; set; }

    [CommandOption("-p|--product <PRODUCT_ID>")]
    [Description("The product the keys belong to here.")]
    public string? ProductId { get; set; }

    [CommandOption("--plan <PLAN>")]
    [Description("The plan of every row the --map options do not place.")]
    public string? Plan { get; set; }

    [CommandOption("--map <VALUE=PLAN>")]
    [Description("A source product, variant, price or policy → a plan here (repeatable).")]
    public string[] Map { get; set; } = [];

    [CommandOption("--errors <FILE>")]
    [Description("Where rows that could not be imported are reported (default: <file>.errors.csv).")]
    public string? ErrorsFile { get; set; }

    [CommandOption("--batch <N>")]
    [Description("Rows per request (1-1000, default 100).")]
    public int Batch { get; set; } = 100;

    [CommandOption("--restart")]
    [Description("Start from the first row, ignoring the progress saved by an interrupted run.")]
    public bool Restart { get; set; }
}

/// <summary>
/// Imports an export of existing keys, streaming it in batches. Each finished batch is saved to
/// <c>&lt;file&gt;.import-state.json</c>, so an interrupted import resumes where it stopped (and the server is idempotent by
/// key, so a batch sent twice imports nothing twice). Rows that fail are written to the errors file with the reason.
/// </summary>
public sealed class ImportCommand(CliEnvironment env) : ApiCommand<ImportSettings>(env)
{
    protected override async Task<int> RunAsync(ImportSettings s, CancellationToken ct)
    {
        var source = ImportSource.Find(s.From ?? "")
            ?? throw new UsageException("--from must be one of: " + string.Join(", ", ImportSource.All.Select(x => x.Name)));
        if (s.ProductId is null) throw new UsageException("--product is required");
        if (s.Batch is < 1 or > 1000) throw new UsageException("--batch must be 1-1000");
        if (!System.IO.File.Exists(s.File)) throw new UsageException($"no such file: {s.File}");
        var map = s.Map.Select(m => m.Split('=', 2))
            .ToDictionary(p => p.Length == 2 ? p[0] : throw new UsageException($"--map {p[0]}: use VALUE=PLAN"), p => p[1]);

        var statePath = s.File + ".import-state.json";
        var length = new FileInfo(s.File).Length;
        var saved = s.Restart ? null : ImportState.Load(statePath);
        var state = saved is not null && saved.Matches(length, source.Name, s.ProductId) ? saved : null;
        state ??= new ImportState(length, source.Name, s.ProductId, 0, 0, 0, 0);
        if (state.RowsDone > 0) Env.Err.WriteLine($"resuming after row {state.RowsDone} (from {statePath}; --restart to start over)");

        var errorsPath = s.ErrorsFile ?? s.File + ".errors.csv";
        await using var errors = new StreamWriter(errorsPath, append: state.RowsDone > 0);
        if (state.RowsDone == 0) await errors.WriteLineAsync(Csv.Line(["line", "key", "code", "detail"]));

        using var client = Client(s);
        await using var stream = System.IO.File.OpenRead(s.File);
        using var reader = new StreamReader(stream);
        var rows = source == ImportSource.Keygen && s.File.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? Prepend(KeygenJson.Header, KeygenJson.Rows(await reader.ReadToEndAsync(ct)))
            : Csv.Read(reader);

        var run = new ImportRun(client, s.ProductId, errors, state, statePath);
        await Progress(stream, async report =>
        {
            RowMapper? mapper = null;
            var dataRow = 0;
            foreach (var (line, fields) in rows)
            {
                if (mapper is null)
                {
                    mapper = new RowMapper(source, fields, s.Plan, map);
                    if (mapper.MissingColumns() is { } missing) throw new UsageException($"{s.File}: {missing}");
                    continue;
                }
                if (++dataRow <= state.RowsDone) continue;
                var (item, error) = mapper.Map(fields);
                run.Add(dataRow, line, item, error, fields.Length > 0 ? fields[0] : "");
                if (run.Pending >= s.Batch) { await run.FlushAsync(ct); report(); }
            }
            await run.FlushAsync(ct);
            report();
        });

        var final = run.State;
        if (final.Errors == 0) System.IO.File.Delete(errorsPath);
        System.IO.File.Delete(statePath);
        var errorsFile = final.Errors > 0 ? errorsPath : null;
        if (s.Json) WriteJson(new { imported = final.Imported, skipped = final.Skipped, errors = final.Errors, rows = final.RowsDone, errorsFile });
        else
        {
            var colour = final.Errors > 0 ? "red" : "green";
            Console.MarkupLineInterpolated(
                $"Imported [green]{final.Imported}[/], skipped {final.Skipped} already here, [{colour}]{final.Errors}[/] error(s) in {final.RowsDone} row(s).");
            if (final.Errors > 0) Console.MarkupLineInterpolated($"Rows not imported, with the reason: {errorsPath}");
        }
        return final.Errors > 0 ? ExitCodes.PartialImport : ExitCodes.Ok;
    }

    private async Task Progress(Stream stream, Func<Action, Task> work)
    {
        if (!Env.Interactive)
        {
            await work(() => Env.Err.WriteLine($"read {stream.Position * 100 / Math.Max(1, stream.Length)} %"));
            return;
        }
        await Env.ErrorConsole.Progress().StartAsync(async ctx =>
        {
            var task = ctx.AddTask("importing", maxValue: Math.Max(1, stream.Length));
            await work(() => task.Value = stream.Position);
            task.Value = task.MaxValue;
        });
    }

    private static IEnumerable<(int, string[])> Prepend(string[] header, IEnumerable<(int, string[])> rows) => rows.Prepend((0, header));
}

/// <summary>Progress of an import, saved after every batch so an interrupted run resumes after the last one done.</summary>
public sealed record ImportState(long FileLength, string Source, string ProductId, int RowsDone, int Imported, int Skipped, int Errors)
{
    public bool Matches(long length, string source, string productId) => FileLength == length && Source == source && ProductId == productId;

    public static ImportState? Load(string path)
    {
        try
        {
            return System.IO.File.Exists(path) ? JsonSerializer.Deserialize<ImportState>(System.IO.File.ReadAllText(path), ApiJson.Options) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string path)
    {
        System.IO.File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, ApiJson.Options));
        System.IO.File.Move(path + ".tmp", path, overwrite: true);
    }
}
