using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Audit;

/// <summary>
/// <c>auditlog</c>: PartitionKey = <c>yyyy-MM|accountId</c> (one partition per account and month, so old months are
/// deleted by a PartitionKey range and nothing else), two rows per entry written in one transaction:
/// <c>a|&lt;inverted ticks&gt;|&lt;changeId&gt;</c> (the account's entries, newest first) and
/// <c>l|&lt;licenseId&gt;|&lt;inverted ticks&gt;|&lt;changeId&gt;</c> (one license's history, one range query per month).
/// Keys derive from the change, so writing an entry twice changes nothing. docs/audit.md.
/// </summary>
public sealed class AuditTableStore(TableStorage tables, Microsoft.Extensions.Options.IOptions<Hosting.LicensingOptions> options) : IAuditStore
{
    public const int MaxEntryChunks = 12;
    private const string AccountRows = "a|";
    private const string LicenseRows = "l|";

    private TableClient Table => tables.Table(TableStorage.AuditTable);

    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string PartitionKey(DateTimeOffset at, string accountId) => $"{Month(at)}|{accountId}";

    /// <summary>Ticks counted down from the largest time, fixed width, so the newest entry sorts first.</summary>
    private static string Inverted(long ticks) => (DateTimeOffset.MaxValue.UtcTicks - ticks).ToString("D19", CultureInfo.InvariantCulture);

    private static string Prefix(string? licenseId) => licenseId is null ? AccountRows : $"{LicenseRows}{licenseId}|";

    public Task AppendAsync(ChangeRecord change, CancellationToken ct)
    {
        var text = StorageJson.Serialize(change);
        var pk = PartitionKey(change.At, change.AccountId);
        var suffix = $"{Inverted(change.At.UtcTicks)}|{change.Id}";
        var rows = new List<TableEntity> { Row(pk, AccountRows + suffix, text) };
        if (change.LicenseId is { } licenseId) rows.Add(Row(pk, Prefix(licenseId) + suffix, text));
        return Table.SubmitAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), ct);
    }

    public Task ReplaceAsync(ChangeRecord entry, CancellationToken ct) => AppendAsync(entry, ct);

    private static TableEntity Row(string pk, string rk, string text)
    {
        var row = new TableEntity(pk, rk);
        ChunkedText.Write(row, "Entry", "changes", text, MaxEntryChunks);
        return row;
    }

    private static ChangeRecord FromRow(TableEntity row) =>
        StorageJson.Deserialize<ChangeRecord>(ChunkedText.Read(row, "Entry") ?? "null") ?? throw new InvalidOperationException($"empty audit row {row.RowKey}");

    public async Task<AuditPage> ListAsync(string accountId, AuditQuery query, DateTimeOffset now, CancellationToken ct)
    {
        var newest = query.To is { } to && to <= now.AddDays(1) ? to.AddTicks(-1) : now.AddDays(1);
        // Without from: back to the oldest month retention may still hold.
        var oldest = query.From ?? now.AddDays(-options.Value.AuditRetentionDays).AddMonths(-1);
        var (month, storage) = OpenToken(query.ContinuationToken) ?? (FirstOfMonth(newest), null);
        var items = new List<ChangeRecord>(query.PageSize);
        while (month >= FirstOfMonth(oldest))
        {
            var (values, next) = await Table.QueryPageAsync(Filter(month, accountId, query), query.PageSize - items.Count, storage, ct);
            items.AddRange(values.Select(FromRow));
            if (next is not null)
            {
                storage = next;
                if (items.Count >= query.PageSize) return new AuditPage(items, Token(month, next));
                continue;
            }
            month = month.AddMonths(-1);
            storage = null;
            if (items.Count >= query.PageSize) return new AuditPage(items, month >= FirstOfMonth(oldest) ? Token(month, null) : null);
        }
        return new AuditPage(items, null);
    }

    private static DateTimeOffset FirstOfMonth(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static string Filter(DateTimeOffset month, string accountId, AuditQuery query)
    {
        var prefix = Prefix(query.LicenseId);
        // from ≤ at < to: inverted ticks in (inverted(to), inverted(from)].
        var low = query.To is { } to ? prefix + Inverted(to.UtcTicks - 1) : prefix;
        var high = query.From is { } from ? prefix + Inverted(from.UtcTicks - 1) : prefix[..^1] + "}";
        return TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(month, accountId)} and RowKey ge {low} and RowKey lt {high}");
    }

    private static string Token(DateTimeOffset month, string? storage) => Month(month) + "\n" + storage;

    private static (DateTimeOffset Month, string? Storage)? OpenToken(string? token)
    {
        if (token is null) return null;
        var newline = token.IndexOf('\n');
        if (newline < 0
            || !DateTimeOffset.TryParseExact(token[..newline], "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var month))
            throw ValidationFailedException.For("continuationToken", "is not a token returned by this endpoint");
        return (month, newline == token.Length - 1 ? null : token[(newline + 1)..]);
    }

    public async IAsyncEnumerable<ChangeRecord> QueryAllAsync(string accountId, DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await ListAsync(accountId, new AuditQuery(null, null, null, token, 1000), now, ct);
            foreach (var item in page.Items) yield return item;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    public async Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        // Partitions of months wholly before the cutoff's month: a PartitionKey range, read for the keys only.
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {Month(cutoff)}");
        var deleted = 0;
        var batch = new List<TableEntity>();
        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            await Table.SubmitAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, Azure.ETag.All)), ct);
            deleted += batch.Count;
            batch.Clear();
        }
        await foreach (var e in Table.ScanAsync(filter, 1000, ct))
        {
            if (batch.Count > 0 && (batch[0].PartitionKey != e.PartitionKey || batch.Count == 100)) await FlushAsync();
            batch.Add(new TableEntity(e.PartitionKey, e.RowKey));
        }
        await FlushAsync();
        return deleted;
    }
}
