using Licensing.Cli.Commands;
using Licensing.Management;

namespace Licensing.Cli.Import;

/// <summary>One import in progress: the batch being filled, the rows refused locally, and the totals so far.</summary>
internal sealed class ImportRun(ManagementClient client, string productId, TextWriter errors, ImportState state, string statePath)
{
    private const int MaxAttempts = 6;
    private readonly List<(int Line, ImportItem Item)> _batch = [];
    private readonly List<string> _localErrors = [];
    private int _lastRow = state.RowsDone;

    public ImportState State { get; private set; } = state;

    public int Pending => _batch.Count;

    public void Add(int dataRow, int line, ImportItem? item, string? error, string firstCell)
    {
        _lastRow = dataRow;
        if (item is not null) _batch.Add((line, item));
        else _localErrors.Add(Csv.Line([line.ToString(System.Globalization.CultureInfo.InvariantCulture), firstCell, "INVALID_ROW", error ?? ""]));
    }

    /// <summary>Sends the batch (retrying outages: the server is idempotent by key), reports its errors, saves progress.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var result = _batch.Count == 0 ? new ImportResult(0, 0, []) : await SendAsync(ct);
        foreach (var line in _localErrors) await errors.WriteLineAsync(line);
        foreach (var e in result.Errors)
        {
            var (line, item) = e.Index >= 0 && e.Index < _batch.Count ? _batch[e.Index] : (0, new ImportItem { Key = "" });
            await errors.WriteLineAsync(Csv.Line([line.ToString(System.Globalization.CultureInfo.InvariantCulture), item.Key, e.Code, e.Detail]));
        }
        await errors.FlushAsync(ct);
        State = State with
        {
            RowsDone = _lastRow,
            Imported = State.Imported + result.Imported,
            Skipped = State.Skipped + result.Skipped,
            Errors = State.Errors + result.Errors.Count + _localErrors.Count,
        };
        State.Save(statePath);
        _batch.Clear();
        _localErrors.Clear();
    }

    private async Task<ImportResult> SendAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.ImportAsync(productId, _batch.Select(b => b.Item).ToArray(), ct);
            }
            catch (Exception e) when (attempt < MaxAttempts && (e is HttpRequestException || e is ApiException { Status: 429 or 503 }))
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)), ct);
            }
        }
    }
}
