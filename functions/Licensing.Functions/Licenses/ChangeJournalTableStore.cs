using Azure.Data.Tables;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Licenses;

/// <summary>
/// The change journal: rows beside the licenses in their partition of <c>licenses</c> (RowKey <c>chg|&lt;changeId&gt;</c>,
/// which sorts before every license row), written by <see cref="LicenseTableStore"/> in the same entity-group transaction as
/// the change they record and deleted once every consumer took them. docs/audit.md, docs/storage.md.
/// </summary>
public sealed class ChangeJournalTableStore(TableStorage tables) : IChangeJournal
{
    public const string Prefix = "chg|";

    /// <summary>A record's JSON takes at most this many chunks: a metadata change at its maximum, with worst-case characters, fits.</summary>
    public const int MaxRecordChunks = 12;

    private static readonly string Rows = TableClient.CreateQueryFilter($"RowKey ge {Prefix} and RowKey lt {Prefix[..^1] + "}"}");

    public static string RowKey(string changeId) => Prefix + changeId;

    public static TableEntity ToRow(ChangeRecord record)
    {
        var row = new TableEntity(record.AccountId, RowKey(record.Id)) { ["At"] = record.At };
        ChunkedText.Write(row, "Record", "changes", StorageJson.Serialize(record), MaxRecordChunks);
        return row;
    }

    public static ChangeRecord FromRow(TableEntity row) =>
        StorageJson.Deserialize<ChangeRecord>(ChunkedText.Read(row, "Record") ?? "null")
            ?? throw new InvalidOperationException($"journal row {row.RowKey} holds no record");

    public async Task<ChangeRecord?> GetAsync(string accountId, string changeId, CancellationToken ct) =>
        LicenseChanges.IsId(changeId) && await tables.Licenses.GetIfExistsAsync(accountId, RowKey(changeId), ct) is { } row ? FromRow(row) : null;

    public IAsyncEnumerable<ChangeRecord> QueryAsync(DateTimeOffset before, CancellationToken ct) =>
        tables.Licenses.ScanAsync($"{Rows} and {TableClient.CreateQueryFilter($"At le {before}")}", 1000, ct).Select(FromRow);

    public Task<IReadOnlyList<ChangeRecord>> ListAsync(string accountId, CancellationToken ct) =>
        tables.Licenses.QueryAsync($"{TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")} and {Rows}", FromRow, ct);

    public Task AddAsync(ChangeRecord record, CancellationToken ct) => tables.Licenses.UpsertAsync(ToRow(record), ct);

    public Task<bool> ReplaceAsync(ChangeRecord record, CancellationToken ct) =>
        tables.Licenses.ReplaceIfExistsAsync(ToRow(record), TableUpdateMode.Replace, ct);

    public Task DeleteAsync(string accountId, string changeId, CancellationToken ct) =>
        tables.Licenses.DeleteIfExistsAsync(accountId, RowKey(changeId), ct);
}
