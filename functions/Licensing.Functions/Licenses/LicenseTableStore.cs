using System.Text;
using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Licenses;

/// <summary>
/// Licenses in the <c>licenses</c> table: PartitionKey = account id, RowKey = license id. A license key carries
/// both, so validation is one point read; an account's list is one partition query. Each activation is a row of its
/// own beside its license (RowKey <c>act|&lt;licenseId&gt;|&lt;activationId&gt;</c>, which sorts before every license row), written in
/// one entity-group transaction with the license, whose entity keeps the compact index validation reads. Queries of
/// licenses keep to the RowKey range of license ids. See docs/storage.md.
/// </summary>
public sealed class LicenseTableStore(TableStorage tables, Licensing.Domain.ShortKeys.ShortKeyRing? shortKeys = null)
    : ILicenseStore, ILicenseScan, ILicenseDomainIndex
{
    /// <summary>An entity-group transaction holds at most 100 operations.</summary>
    private const int MaxTransactionActions = 100;

    /// <summary>License rows: RowKey in [<c>lic_</c>, <c>lic`</c>), every license id and nothing else.</summary>
    public static string LicenseRows { get; } = TableClient.CreateQueryFilter(
        $"RowKey ge {Ids.LicensePrefix} and RowKey lt {Ids.LicensePrefix[..^1] + (char)(Ids.LicensePrefix[^1] + 1)}");

    public async Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
        await tables.Licenses.GetIfExistsAsync(accountId, licenseId, ct) is { } e ? Read(e) : null;

    public async Task<IReadOnlyList<Activation>> ListActivationsAsync(License license, CancellationToken ct)
    {
        if (license.Activations.Count == 0) return [];
        var found = license.InlineActivations.ToDictionary(a => a.Id, StringComparer.Ordinal);
        if (found.Count < license.Activations.Count)
        {
            var idStart = ActivationRows.RowKey(license.Id, "").Length;
            var rows = await tables.Licenses.QueryAsync(ActivationRows.Of(license), row => ActivationRows.FromRow(row, idStart),
                new QueryShape(MaxPerPage: 1000), ct);
            foreach (var a in rows)
                found.TryAdd(a.Id, a);
        }
        // The index decides: a row it does not list (left by a write that lost its race) is not an activation.
        return license.Activations.Select(r => found.TryGetValue(r.Id, out var a) ? a : new Activation(r.Id, null, null, null, license.CreatedAt)).ToArray();
    }

    public async Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct)
    {
        if (!license.Activations.Any(a => a.Id == activationId)) return null;
        if (license.InlineActivations.FirstOrDefault(a => a.Id == activationId) is { } inline) return inline;
        var key = ActivationRows.RowKey(license.Id, activationId);
        var row = await tables.Licenses.GetIfExistsAsync(license.AccountId, key, ct);
        return row is null ? null : ActivationRows.FromRow(row, key.Length - activationId.Length);
    }

    public Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<ChangeRecord> journal, CancellationToken ct) =>
        WriteAsync(license, null, [.. activations.Select(a => ActivationRows.ToRow(license, a))], [], Journal(journal), ct);

    public async Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<ChangeRecord> journal, CancellationToken ct)
    {
        // A license read in the older layout moves its inline activations to rows in this same write.
        var indexed = license.Activations.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var added = changes.Added.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var inline = license.InlineActivations.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var rows = changes.Added.Concat(license.InlineActivations.Where(a => indexed.Contains(a.Id) && !added.Contains(a.Id)))
            .Select(a => ActivationRows.ToRow(license, a)).ToList();
        var deletes = changes.Removed.Where(id => !inline.Contains(id))
            .Select(id => new TableEntity(license.AccountId, ActivationRows.RowKey(license.Id, id))).ToList();
        var etag = await WriteAsync(license, license.Version!, rows, deletes, Journal(journal), ct);
        return license with { Version = etag, InlineActivations = [] };
    }

    public async Task DeleteAsync(License license, ChangeRecord journal, CancellationToken ct)
    {
        // The license (if unchanged), its journal row and as many of its activation rows as fit go in one transaction;
        // rows beyond that (and rows a lost race left outside the index) go after it: with the license gone, they are in no
        // index and so are not activations.
        var rows = await tables.Licenses.QueryAsync(ActivationRows.Of(license), e => new TableEntity(license.AccountId, e.RowKey),
            new QueryShape(MaxPerPage: 1000, Select: ["RowKey"]), ct);
        var room = MaxTransactionActions - 2;
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Delete, new TableEntity(license.AccountId, license.Id), new ETag(license.Version!)),
            new(TableTransactionActionType.Add, ChangeJournalTableStore.ToRow(journal)),
        };
        actions.AddRange(rows.Take(room).Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)));
        var outcome = await tables.Licenses.SubmitIfAsync(actions, ct);
        if (!outcome.Committed) throw new ConcurrencyException($"license '{license.Id}' changed while it was being deleted");
        foreach (var r in rows.Skip(room)) await tables.Licenses.DeleteIfExistsAsync(r.PartitionKey, r.RowKey, ct);
    }

    private static List<TableEntity> Journal(IReadOnlyList<ChangeRecord> journal) => [.. journal.Select(ChangeJournalTableStore.ToRow)];

    /// <summary>
    /// The license write (an add when <paramref name="version"/> is null, else a replace if it still has that ETag) and
    /// its activation rows in one entity-group transaction (one partition), so the index on the license and the rows
    /// beside it change together or not at all. Rows that do not fit in the transaction (an issuance with 100 domains,
    /// or an older license moving its inline activations out) are upserted first: until the license write lands they
    /// are not in its index, and so are not activations. Returns the license's new ETag.
    /// </summary>
    private async Task<string?> WriteAsync(License license, string? version, List<TableEntity> upserts, List<TableEntity> deletes,
        List<TableEntity> journal, CancellationToken ct)
    {
        var entity = LicenseEntities.ToEntity(license);
        var changed = $"license '{license.Id}' changed while it was being updated";
        if (upserts.Count == 0 && deletes.Count == 0 && journal.Count == 0)
            return version is null
                ? await tables.Licenses.AddIfAbsentAsync(entity, ct) ?? throw Exists(license)
                : await tables.Licenses.ReplaceIfMatchAsync(entity, version, changed, $"license '{license.Id}' not found", TableUpdateMode.Replace, ct);
        var room = MaxTransactionActions - 1 - deletes.Count - journal.Count;
        foreach (var early in upserts.Skip(room).Chunk(MaxTransactionActions))
            await tables.Licenses.SubmitAsync(early.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), ct);
        var actions = new List<TableTransactionAction>
        {
            version is null ? new(TableTransactionActionType.Add, entity) : new(TableTransactionActionType.UpdateReplace, entity, new ETag(version)),
        };
        actions.AddRange(upserts.Take(room).Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
        actions.AddRange(deletes.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)));
        actions.AddRange(journal.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
        var outcome = await tables.Licenses.SubmitIfAsync(actions, ct);
        return outcome switch
        {
            { Committed: true } => outcome.ETags[0],
            // A row to delete is already gone: the state wanted holds for it; write the rest.
            { FailedStatus: 404, FailedIndex: { } i } when i >= 1 + Math.Min(room, upserts.Count) && i < 1 + Math.Min(room, upserts.Count) + deletes.Count =>
                await WriteAsync(license, version, upserts.Take(room).ToList(), [], journal, ct),
            { FailedStatus: 409 } when version is null => throw Exists(license),
            { FailedStatus: 412 } => throw new ConcurrencyException(changed),
            { FailedStatus: 404 } => throw new NotFoundException($"license '{license.Id}' not found"),
            _ => throw new InvalidOperationException(
                $"writing license '{license.Id}' failed with status {outcome.FailedStatus} at action {outcome.FailedIndex}"),
        };
    }

    private static ConflictException Exists(License license) => new($"license '{license.Id}' already exists");

    public async Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct)
    {
        var filter = Filter(accountId, query, now);
        var (values, next) = await tables.Licenses.QueryPageAsync(filter, query.PageSize, DecodeToken(query.ContinuationToken), ct);
        return new LicensePage(values.Select(Read).ToArray(), EncodeToken(next));
    }

    public async Task<IReadOnlyList<string>> FindByDomainAsync(string accountId, string domain, int max, CancellationToken ct)
    {
        var ids = await tables.Licenses.QueryAsync(ActivationRows.OnDomain(accountId, domain), row => ActivationRows.LicenseIdOf(row.RowKey), ct);
        return ids.Distinct(StringComparer.Ordinal).Take(max).ToArray();
    }

    public IAsyncEnumerable<License> QueryActiveExpiredByAsync(DateTimeOffset at, CancellationToken ct) =>
        ScanAsync(TableClient.CreateQueryFilter($"Status eq {"active"} and ExpiresSort le {at}"), ct);

    public IAsyncEnumerable<License> QueryActiveExpiringBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        ScanAsync(TableClient.CreateQueryFilter($"Status eq {"active"} and ExpiresSort gt {from} and ExpiresSort le {to}"), ct);

    public IAsyncEnumerable<License> QueryAllAsync(CancellationToken ct) => ScanAsync(null, ct);

    public IAsyncEnumerable<License> QueryAccountAsync(string accountId, CancellationToken ct) =>
        ScanAsync(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), ct);

    /// <summary>A query of license rows (never activation rows) with a server-side filter: the timer jobs' scans, the live metrics' partition.</summary>
    private IAsyncEnumerable<License> ScanAsync(string? filter, CancellationToken ct) =>
        tables.Licenses.ScanAsync(filter is null ? LicenseRows : $"{LicenseRows} and {filter}", 1000, ct).Select(Read);

    /// <summary>A stored license, with its short key (if it has one) derived again for showing: only its hash is stored.</summary>
    internal License Read(TableEntity e) => LicenseEntities.FromEntity(e) is var l && shortKeys is not null ? shortKeys.Reveal(l) : l;

    private static string Filter(string accountId, LicenseQuery query, DateTimeOffset now)
    {
        var parts = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), LicenseRows };
        if (query.ProductId is not null) parts.Add(TableClient.CreateQueryFilter($"ProductId eq {query.ProductId}"));
        if (query.Plan is not null) parts.Add(TableClient.CreateQueryFilter($"Plan eq {query.Plan}"));
        if (query.CustomerEmail is not null) parts.Add(TableClient.CreateQueryFilter($"CustomerEmailKey eq {EmailAddress.LookupKey(query.CustomerEmail)}"));
        switch (query.Status)
        {
            case LicenseStatus.Active:
                parts.Add(TableClient.CreateQueryFilter($"Status eq {"active"} and ExpiresSort gt {now}"));
                break;
            case LicenseStatus.Expired:
                parts.Add(TableClient.CreateQueryFilter($"(Status eq {"expired"} or (Status eq {"active"} and ExpiresSort le {now}))"));
                break;
            case { } other:
                parts.Add(TableClient.CreateQueryFilter($"Status eq {other.ToWire()}"));
                break;
        }
        return string.Join(" and ", parts);
    }

    /// <summary>The continuation token is storage's own, wrapped so callers treat it as opaque.</summary>
    private static string? EncodeToken(string? token) => token is null ? null : Base64Url.Encode(Encoding.UTF8.GetBytes(token));

    private static string? DecodeToken(string? token)
    {
        if (token is null) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.Decode(token));
            if (decoded.Length == 0 || decoded.Length > 2048) throw new FormatException();
            return decoded;
        }
        catch (FormatException)
        {
            throw ValidationFailedException.For("continuationToken", "is not a token returned by this endpoint");
        }
    }
}
