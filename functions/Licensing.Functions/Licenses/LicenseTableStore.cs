using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Licenses;

/// <summary>
/// Licenses in the <c>licenses</c> table: PartitionKey = account id, RowKey = license id. A license key carries
/// both, so validation is one point read; an account's list is one partition query. Each activation is a row of its
/// own beside its license (RowKey <c>act|&lt;licenseId&gt;|&lt;activationId&gt;</c>, which sorts before every license row), written in
/// one entity-group transaction with the license, whose entity keeps the compact index validation reads. Queries of
/// licenses keep to the RowKey range of license ids. See docs/storage.md.
/// </summary>
public sealed class LicenseTableStore(TableStorage tables) : ILicenseStore, ILicenseScan
{
    private static readonly DateTimeOffset NoExpiry = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An entity-group transaction holds at most 100 operations.</summary>
    private const int MaxTransactionActions = 100;

    public const string ActivationRowPrefix = "act|";

    /// <summary>License rows: RowKey in [<c>lic_</c>, <c>lic`</c>), every license id and nothing else.</summary>
    public static string LicenseRows { get; } = TableClient.CreateQueryFilter(
        $"RowKey ge {Ids.LicensePrefix} and RowKey lt {Ids.LicensePrefix[..^1] + (char)(Ids.LicensePrefix[^1] + 1)}");

    public static string ActivationRowKey(string licenseId, string activationId) => $"{ActivationRowPrefix}{licenseId}|{activationId}";

    public Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var response = await tables.Licenses.GetEntityIfExistsAsync<TableEntity>(accountId, licenseId, cancellationToken: ct);
            return response.HasValue ? FromEntity(response.Value!) : null;
        }, ct);

    public Task<IReadOnlyList<Activation>> GetActivationsAsync(License license, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            if (license.Activations.Count == 0) return (IReadOnlyList<Activation>)[];
            var found = license.InlineActivations.ToDictionary(a => a.Id, StringComparer.Ordinal);
            if (found.Count < license.Activations.Count)
            {
                var prefix = ActivationRowKey(license.Id, "");
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {license.AccountId} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
                await foreach (var row in tables.Licenses.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
                    found.TryAdd(row.RowKey[prefix.Length..], FromRow(row, prefix.Length));
            }
            // The index decides: a row it does not list (left by a write that lost its race) is not an activation.
            return license.Activations.Select(r => found.TryGetValue(r.Id, out var a) ? a : new Activation(r.Id, null, null, null, license.CreatedAt)).ToArray();
        }, ct);

    public Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            if (!license.Activations.Any(a => a.Id == activationId)) return null;
            if (license.InlineActivations.FirstOrDefault(a => a.Id == activationId) is { } inline) return inline;
            var key = ActivationRowKey(license.Id, activationId);
            var row = await tables.Licenses.GetEntityIfExistsAsync<TableEntity>(license.AccountId, key, cancellationToken: ct);
            return row.HasValue ? FromRow(row.Value!, key.Length - activationId.Length) : null;
        }, ct);

    public Task InsertAsync(License license, IReadOnlyList<Activation> activations, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var entity = ToEntity(license);
            try
            {
                await WriteAsync(new TableTransactionAction(TableTransactionActionType.Add, entity), [.. activations.Select(a => ToRow(license, a))], [], ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                throw new ConflictException($"license '{license.Id}' already exists");
            }
        }, ct);

    public Task<License> ReplaceAsync(License license, ActivationChanges changes, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var entity = ToEntity(license);
            // A license read in the older layout moves its inline activations to rows in this same write.
            var indexed = license.Activations.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            var added = changes.Added.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            var inline = license.InlineActivations.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            var rows = changes.Added.Concat(license.InlineActivations.Where(a => indexed.Contains(a.Id) && !added.Contains(a.Id))).Select(a => ToRow(license, a)).ToList();
            var deletes = changes.Removed.Where(id => !inline.Contains(id)).Select(id => new TableEntity(license.AccountId, ActivationRowKey(license.Id, id))).ToList();
            try
            {
                var etag = await WriteAsync(new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(license.Version!)), rows, deletes, ct);
                return license with { Version = etag, InlineActivations = [] };
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                throw new ConcurrencyException($"license '{license.Id}' changed while it was being updated");
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new NotFoundException($"license '{license.Id}' not found");
            }
        }, ct);

    /// <summary>
    /// The license write and its activation rows in one entity-group transaction (one partition), so the index on the
    /// license and the rows beside it change together or not at all. Rows that do not fit in the transaction (an
    /// issuance with 100 domains, or an older license moving its inline activations out) are upserted first: until
    /// the license write lands they are not in its index, and so are not activations. Returns the license's new ETag.
    /// </summary>
    private async Task<string?> WriteAsync(TableTransactionAction license, List<TableEntity> upserts, List<TableEntity> deletes, CancellationToken ct)
    {
        if (upserts.Count == 0 && deletes.Count == 0)
        {
            var single = license.ActionType == TableTransactionActionType.Add
                ? await tables.Licenses.AddEntityAsync(license.Entity, ct)
                : await tables.Licenses.UpdateEntityAsync(license.Entity, license.ETag, TableUpdateMode.Replace, ct);
            return single.Headers.ETag?.ToString();
        }
        var room = MaxTransactionActions - 1 - deletes.Count;
        foreach (var early in upserts.Skip(room).Chunk(MaxTransactionActions))
            await tables.Licenses.SubmitTransactionAsync(early.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), ct);
        var actions = new List<TableTransactionAction> { license };
        actions.AddRange(upserts.Take(room).Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
        actions.AddRange(deletes.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)));
        try
        {
            var response = await tables.Licenses.SubmitTransactionAsync(actions, ct);
            return response.Value[0].Headers.ETag?.ToString();
        }
        catch (TableTransactionFailedException e) when (e.Status == 404 && e.FailedTransactionActionIndex >= 1 + Math.Min(room, upserts.Count))
        {
            // A row to delete is already gone: the state wanted holds for it; write the rest.
            return await WriteAsync(license, upserts.Take(room).ToList(), [], ct);
        }
    }

    public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct)
    {
        var filter = Filter(accountId, query, now);
        var token = DecodeToken(query.ContinuationToken);
        return StorageFaults.Guard(async () =>
        {
            await foreach (var page in tables.Licenses.QueryAsync<TableEntity>(filter, query.PageSize, cancellationToken: ct).AsPages(token, query.PageSize))
                return new LicensePage(page.Values.Select(FromEntity).ToArray(), EncodeToken(page.ContinuationToken));
            return new LicensePage([], null);
        }, ct);
    }

    public IAsyncEnumerable<License> ActiveExpiredByAsync(DateTimeOffset at, CancellationToken ct) =>
        ScanAsync(TableClient.CreateQueryFilter($"Status eq {"active"} and ExpiresSort le {at}"), ct);

    public IAsyncEnumerable<License> ActiveExpiringBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        ScanAsync(TableClient.CreateQueryFilter($"Status eq {"active"} and ExpiresSort gt {from} and ExpiresSort le {to}"), ct);

    public IAsyncEnumerable<License> AllAsync(CancellationToken ct) => ScanAsync(null, ct);

    /// <summary>A table scan of license rows (never activation rows) with a server-side filter, for the timer jobs only.</summary>
    private async IAsyncEnumerable<License> ScanAsync(string? filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        filter = filter is null ? LicenseRows : $"{LicenseRows} and {filter}";
        await using var pages = tables.Licenses.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct).GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try { more = await pages.MoveNextAsync(); }
            catch (Exception e) when (StorageFaults.IsUnavailable(e, ct)) { throw new ServiceUnavailableException("storage is unavailable; try again shortly", e); }
            if (!more) yield break;
            yield return FromEntity(pages.Current);
        }
    }

    private static string Filter(string accountId, LicenseQuery query, DateTimeOffset now)
    {
        var parts = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), LicenseRows };
        if (query.ProductId is not null) parts.Add(TableClient.CreateQueryFilter($"ProductId eq {query.ProductId}"));
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

    public static TableEntity ToEntity(License l)
    {
        var entity = new TableEntity(l.AccountId, l.Id)
        {
            ["ProductId"] = l.ProductId,
            ["Plan"] = l.Plan,
            ["Model"] = l.Model.ToWire(),
            ["Status"] = l.Status.ToWire(),
            ["CustomerEmail"] = l.CustomerEmail,
            ["CustomerEmailKey"] = EmailAddress.LookupKey(l.CustomerEmail),
            ["Features"] = StorageJson.Serialize(l.Features),
            ["Deactivations"] = StorageJson.Serialize(l.Deactivations.Select(d => d.ToUnixTimeSeconds())),
            ["StatusReason"] = l.StatusReason,
            ["BillingState"] = Licensing.Domain.Billing.BillingStates.ToStored(l.BillingState),
            ["RedeemedCodes"] = StorageJson.Serialize(l.RedeemedCodes),
            ["UpdatesUntil"] = l.UpdatesUntil,
            ["BillingUpdatedAt"] = l.BillingUpdatedAt,
            ["MaxActivations"] = l.MaxActivations,
            ["ExpiresAt"] = l.ExpiresAt,
            ["ExpiresSort"] = l.ExpiresAt ?? NoExpiry,
            ["CreatedAt"] = l.CreatedAt,
            ["UpdatedAt"] = l.UpdatedAt,
            ["LicenseKey"] = l.Key,
            ["ActivationIndex"] = ActivationIndex.Encode(l.Activations),
        };
        ChunkedText.Write(entity, "Metadata", "metadata", StorageJson.Serialize(l.Metadata), LicenseService.MaxMetadataStoredChunks);
        ChunkedText.Write(entity, "DevelopmentHosts", "developmentHosts",
            StorageJson.Serialize(l.DevelopmentHosts.Select(d => new DevelopmentHostRecord(d.Host, d.Since.ToUnixTimeSeconds()))), 1);
        return entity;
    }

    private static TableEntity ToRow(License license, Activation a) => new(license.AccountId, ActivationRowKey(license.Id, a.Id))
    {
        ["Domain"] = a.Domain,
        ["Fingerprint"] = a.Fingerprint,
        ["Name"] = a.Name,
        ["CreatedAt"] = a.CreatedAt,
    };

    private static Activation FromRow(TableEntity row, int idStart) =>
        new(row.RowKey[idStart..], row.GetString("Domain"), row.GetString("Fingerprint"), row.GetString("Name"), row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue);

    /// <summary>The older layout's inline activations (JSON with short names, in 30,000-character chunks).</summary>
    private sealed record InlineActivationRecord(string I, string? D, string? F, string? N, DateTimeOffset C)
    {
        public Activation ToActivation() => new(I, D, F, N, C);
    }

    private sealed record DevelopmentHostRecord(string H, long T);

    public static License FromEntity(TableEntity e)
    {
        // Current layout: the index. Older layout: the activations inline, which become rows on the next write.
        var index = e.GetBinary("ActivationIndex");
        var inline = index is null
            ? (StorageJson.Deserialize<InlineActivationRecord[]>(ChunkedText.Read(e, "Activations") ?? "[]") ?? []).Select(a => a.ToActivation()).ToArray()
            : [];
        return new()
        {
            AccountId = e.PartitionKey,
            Id = e.RowKey,
            ProductId = e.GetString("ProductId"),
            Plan = e.GetString("Plan"),
            Model = Naming.ParseModel(e.GetString("Model")) ?? LicenseModel.Subscription,
            Status = LicenseStatusNames.Parse(e.GetString("Status")) ?? LicenseStatus.Suspended,
            CustomerEmail = e.GetString("CustomerEmail"),
            Features = StorageJson.Deserialize<string[]>(e.GetString("Features") ?? "[]") ?? [],
            Activations = index is null ? inline.Select(a => a.Ref).ToArray() : ActivationIndex.Decode(index),
            InlineActivations = inline,
            DevelopmentHosts = (StorageJson.Deserialize<DevelopmentHostRecord[]>(ChunkedText.Read(e, "DevelopmentHosts") ?? "[]") ?? [])
                .Select(d => new DevelopmentHostUse(d.H, DateTimeOffset.FromUnixTimeSeconds(d.T))).ToArray(),
            Deactivations = ReadTimes(e.GetString("Deactivations")),
            StatusReason = e.GetString("StatusReason"),
            BillingState = Licensing.Domain.Billing.BillingStates.Parse(e.GetString("BillingState")),
            RedeemedCodes = StorageJson.Deserialize<string[]>(e.GetString("RedeemedCodes") ?? "[]") ?? [],
            UpdatesUntil = e.GetDateTimeOffset("UpdatesUntil"),
            BillingUpdatedAt = e.GetDateTimeOffset("BillingUpdatedAt"),
            MaxActivations = e.GetInt32("MaxActivations"),
            ExpiresAt = e.GetDateTimeOffset("ExpiresAt"),
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            Metadata = StorageJson.Deserialize<Dictionary<string, string>>(ChunkedText.Read(e, "Metadata") ?? "{}") ?? [],
            Key = e.GetString("LicenseKey"),
            Version = e.ETag.ToString(),
        };
    }

    /// <summary>Deactivation times: Unix seconds (older entities hold RFC 3339 strings, which read the same).</summary>
    private static DateTimeOffset[] ReadTimes(string? json)
    {
        if (json is null) return [];
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .Select(t => t.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds(t.GetInt64()) : t.GetDateTimeOffset())
            .ToArray();
    }

    /// <summary>
    /// The activation index on the license entity, as one binary property: per activation the 10 bytes of its id
    /// (<c>act_</c> + 20 hex digits) and a kind byte. 2,000 activations take 22,000 bytes.
    /// </summary>
    private static class ActivationIndex
    {
        private const string Prefix = "act_";
        private const int IdBytes = 10;
        private const int EntryBytes = IdBytes + 1;

        public static byte[] Encode(IReadOnlyList<ActivationRef> index)
        {
            var bytes = new byte[index.Count * EntryBytes];
            for (var i = 0; i < index.Count; i++)
            {
                var id = index[i].Id;
                if (id.Length != Prefix.Length + 2 * IdBytes || !id.StartsWith(Prefix, StringComparison.Ordinal))
                    throw new InvalidOperationException($"not an activation id: {id}");
                Convert.FromHexString(id.AsSpan(Prefix.Length), bytes.AsSpan(i * EntryBytes, IdBytes), out _, out _);
                bytes[i * EntryBytes + IdBytes] = (byte)index[i].Kind;
            }
            return bytes;
        }

        public static ActivationRef[] Decode(byte[] bytes)
        {
            var index = new ActivationRef[bytes.Length / EntryBytes];
            for (var i = 0; i < index.Length; i++)
                index[i] = new ActivationRef(Prefix + Convert.ToHexStringLower(bytes.AsSpan(i * EntryBytes, IdBytes)), (ActivationKind)bytes[i * EntryBytes + IdBytes]);
            return index;
        }
    }
}
