using System.Globalization;
using System.Net;
using System.Text.Json;
using Licensing.Cli;
using Licensing.Domain.Signing;
using Licensing.Tests.Support;

namespace Licensing.Tests.Cli;

/// <summary>
/// `licensing import` of an EDD export of a few thousand rows against the local host: good rows imported exactly once,
/// bad rows reported with their line, a second run changing nothing, and an interrupted run resuming after its last batch.
/// </summary>
public sealed class ImportCliTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private const int Rows = 2000;

    /// <summary>The interrupted run needs only enough batches to be cut after its second (five of 200).</summary>
    private const int ResumedRows = 1000;
    private TestHost Host => shared.Host;

    /// <summary>An account on the unlimited tier (uncounted, so thousands of issuances do not contend on its quota counter), with my-plugin.</summary>
    private async Task<(string AccountId, string ApiKey)> AccountAsync()
    {
        var account = await Host.CreateAccountAsync(tier: "unlimited");
        Assert.Equal(System.Net.HttpStatusCode.Created, (await Host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, account.ApiKey)).Status);
        return account;
    }

    private sealed record Export(string Csv, IReadOnlyList<string> GoodKeys, IReadOnlyDictionary<int, string> BadLines);

    /// <summary>EDD's licenses export; every 250th row is bad in one of five ways (line = row + 2, after the header).</summary>
    private static Export Generate(string takenKey, int rows = Rows)
    {
        var csv = new System.Text.StringBuilder("ID,License Key,Email,Status,Expiration,Activation Limit,Sites,Download Name\n");
        var good = new List<string>();
        var bad = new Dictionary<int, string>();
        string[] statuses = ["active", "inactive", "expired", "disabled", "site_inactive"];
        for (var row = 0; row < rows; row++)
        {
            var key = $"edd{row:D5}{Guid.NewGuid():N}"[..32];
            var status = statuses[row % statuses.Length];
            var expiration = DateTimeOffset.UtcNow.AddDays(30 + row % 300).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var sites = row % 7 == 0 ? "\"https://site-" + row + ".example.com\"" : "";
            var (reason, line) = (row % 250, row + 2);
            switch (reason)
            {
                case 10: bad[line] = "INVALID_ROW"; key = ""; break;
                case 20: bad[line] = "INVALID_ROW"; status = "paused"; break;
                case 30: bad[line] = "INVALID_ROW"; expiration = "31/31/2020"; break;
                case 40: bad[line] = "KEY_UNAVAILABLE"; key = takenKey; break;
                case 50: bad[line] = "VALIDATION_FAILED"; key = ShortKey.New(1, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)); break;
                default: good.Add(key); break;
            }
            csv.Append(CultureInfo.InvariantCulture, $"{row + 1},{key},customer{row}@example.com,{status},{expiration},{row % 4},{sites},My Plugin\n");
        }
        return new Export(csv.ToString(), good, bad);
    }

    [Fact]
    public async Task An_edd_export_imports_every_good_row_once_reports_bad_rows_by_line_and_a_second_run_changes_nothing()
    {
        var (accountId, apiKey) = await AccountAsync();
        var takenKey = await TakenKeyAsync();
        var export = Generate(takenKey);
        using var cli = new CliRunner(Host.BaseAddress, apiKey);
        var file = Path.Combine(cli.ConfigDirectory, "licenses.csv");
        await File.WriteAllTextAsync(file, export.Csv);

        var first = await cli.RunAsync("import", file, "--from", "edd", "--product", "my-plugin", "--plan", "pro", "--json");
        Assert.True(first.ExitCode == ExitCodes.PartialImport, first.Err + first.Out);
        // A batch the command line sent again after a timeout or a 503 reports the keys the first attempt had already
        // imported as skipped (the server is idempotent by key): every good row is imported or skipped, none twice.
        var (imported, skipped, errors, rows) = Totals(first.Json);
        Assert.Equal((export.GoodKeys.Count, export.BadLines.Count, Rows), (imported + skipped, errors, rows));
        Assert.InRange(imported, export.GoodKeys.Count - 2 * 100, export.GoodKeys.Count);
        AssertErrorsFile(file + ".errors.csv", export.BadLines);
        await AssertImportedOnceAsync(accountId, apiKey, export);

        var again = await cli.RunAsync("import", file, "--from", "edd", "--product", "my-plugin", "--plan", "pro", "--json");
        Assert.Equal((0, export.GoodKeys.Count, export.BadLines.Count, Rows), Totals(again.Json));
        AssertErrorsFile(file + ".errors.csv", export.BadLines);
        await AssertImportedOnceAsync(accountId, apiKey, export);
    }

    /// <summary>Passes requests through, but holds the <paramref name="held"/>-th import batch until its sender cancels.</summary>
    private sealed class HoldImportBatch(int held) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _batches;

        public Task Held => _held.Task;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/licenses/import", StringComparison.Ordinal) && Interlocked.Increment(ref _batches) == held)
            {
                _held.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
            return await base.SendAsync(request, ct);
        }
    }

    [Fact]
    public async Task An_interrupted_import_resumes_after_the_last_finished_batch()
    {
        var (accountId, apiKey) = await AccountAsync();
        var export = Generate(await TakenKeyAsync(), ResumedRows);
        // The third batch is held until the run is cancelled: two batches have finished (and their progress is saved) whatever
        // the machine's speed. (Cancelling when the state file appeared raced a fast run: it could finish, and delete it, first.)
        using var gate = new HoldImportBatch(3);
        using var cli = new CliRunner(Host.BaseAddress, apiKey) { Handler = gate };
        var file = Path.Combine(cli.ConfigDirectory, "licenses.csv");
        await File.WriteAllTextAsync(file, export.Csv);
        var statePath = file + ".import-state.json";

        using var cancel = new CancellationTokenSource();
        var interrupted = cli.RunAsync(cancel.Token, "import", file, "--from", "edd", "--product", "my-plugin", "--plan", "pro", "--batch", "200");
        await Task.WhenAny(gate.Held, interrupted).WaitAsync(Patience.Bound);
        Assert.True(gate.Held.IsCompleted, "the run ended before its third batch");
        await cancel.CancelAsync();
        Assert.NotEqual(ExitCodes.Ok, (await interrupted).ExitCode);
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(statePath)).RootElement;
        var rowsDone = state.GetProperty("rowsDone").GetInt32();
        // A batch is 200 items sent; rows refused locally ride along, so a finished batch ends a little past a multiple of 200.
        Assert.InRange(rowsDone, 200, ResumedRows - 200);

        // Resumed without the gate (the interrupted run's client and its handler are gone with it).
        using var again = new CliRunner(Host.BaseAddress, apiKey);
        var resumed = await again.RunAsync("import", file, "--from", "edd", "--product", "my-plugin", "--plan", "pro", "--batch", "200", "--json");
        Assert.Contains($"resuming after row {rowsDone}", resumed.Err, StringComparison.Ordinal);
        var (imported, skipped, errors, rows) = Totals(resumed.Json);
        Assert.Equal((export.BadLines.Count, ResumedRows), (errors, rows));
        // Totals carry over from the saved state; a batch cut off in flight may have been stored already and is skipped now.
        Assert.Equal(export.GoodKeys.Count, imported + skipped);
        Assert.False(File.Exists(statePath));
        AssertErrorsFile(file + ".errors.csv", export.BadLines);
        await AssertImportedOnceAsync(accountId, apiKey, export);
    }

    /// <summary>A key another account imported first.</summary>
    private async Task<string> TakenKeyAsync()
    {
        var (_, otherKey) = await Host.CreateAccountWithProductAndIdAsync();
        var taken = "edd-taken-" + Guid.NewGuid().ToString("N");
        var r = await Host.PostAsync("v1/licenses/import", new
        {
            productId = "my-plugin",
            licenses = new[] { new { key = taken, customerEmail = "first@example.com", plan = "pro" } },
        }, otherKey);
        Assert.Equal(1, r.Json.GetProperty("imported").GetInt32());
        return taken;
    }

    private static (int Imported, int Skipped, int Errors, int Rows) Totals(JsonElement json) =>
        (json.GetProperty("imported").GetInt32(), json.GetProperty("skipped").GetInt32(), json.GetProperty("errors").GetInt32(),
            json.GetProperty("rows").GetInt32());

    private static void AssertErrorsFile(string path, IReadOnlyDictionary<int, string> badLines)
    {
        var rows = Licensing.Cli.Import.Csv.Read(new StringReader(File.ReadAllText(path))).Skip(1).Select(r => r.Item2).ToArray();
        var reported = rows.Select(r => (Line: int.Parse(r[0], CultureInfo.InvariantCulture), Code: r[2])).ToArray();
        Assert.Equal(badLines.OrderBy(b => b.Key).Select(b => (b.Key, b.Value)), reported.OrderBy(r => r.Line));
    }

    /// <summary>Through the API: the account holds exactly one license per good row, and the keys validate.</summary>
    private async Task AssertImportedOnceAsync(string accountId, string apiKey, Export export)
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = (await Host.GetAsync("v1/licenses?limit=100" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), apiKey)).Json;
            count += page.GetProperty("items").GetArrayLength();
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        Assert.Equal(export.GoodKeys.Count, count);
        Assert.Equal(count, TestHost.StoredLicenseCount(accountId));
        foreach (var key in export.GoodKeys.Where((_, i) => i % 97 == 0))
        {
            var v = await Host.PostOkAsync("v1/validate", new { key });
            Assert.NotEqual("NOT_FOUND", v.GetProperty("code").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await Host.GetAsync("v1/account", apiKey)).Status);
    }
}
