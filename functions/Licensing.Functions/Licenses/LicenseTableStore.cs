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
/// both, so validation is one point read; an account's list is one partition query. See docs/storage.md.
/// </summary>
public sealed class LicenseTableStore(TableStorage tables) : ILicenseStore, ILicenseScan
{
    private static readonly DateTimeOffset NoExpiry = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            var response = await tables.Licenses.GetEntityIfExistsAsync<TableEntity>(accountId, licenseId, cancellationToken: ct);
            return response.HasValue ? FromEntity(response.Value!) : null;
        }, ct);

    public Task InsertAsync(License license, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                await tables.Licenses.AddEntityAsync(ToEntity(license), ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                throw new ConflictException($"license '{license.Id}' already exists");
            }
        }, ct);

    public Task<License> ReplaceAsync(License license, CancellationToken ct) =>
        StorageFaults.Guard(async () =>
        {
            try
            {
                var response = await tables.Licenses.UpdateEntityAsync(ToEntity(license), new ETag(license.Version!), TableUpdateMode.Replace, ct);
                return license with { Version = response.Headers.ETag?.ToString() };
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

    /// <summary>A table scan with a server-side filter, for the timer jobs only.</summary>
    private async IAsyncEnumerable<License> ScanAsync(string? filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
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
        var parts = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {accountId}") };
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
            ["Features"] = JsonSerializer.Serialize(l.Features),
            ["Deactivations"] = JsonSerializer.Serialize(l.Deactivations),
            ["StatusReason"] = l.StatusReason,
            ["BillingState"] = Licensing.Domain.Billing.BillingStates.ToStored(l.BillingState),
            ["RedeemedCodes"] = JsonSerializer.Serialize(l.RedeemedCodes),
            ["UpdatesUntil"] = l.UpdatesUntil,
            ["BillingUpdatedAt"] = l.BillingUpdatedAt,
            ["MaxActivations"] = l.MaxActivations,
            ["ExpiresAt"] = l.ExpiresAt,
            ["ExpiresSort"] = l.ExpiresAt ?? NoExpiry,
            ["CreatedAt"] = l.CreatedAt,
            ["UpdatedAt"] = l.UpdatedAt,
            ["Metadata"] = JsonSerializer.Serialize(l.Metadata),
            ["LicenseKey"] = l.Key,
        };
        WriteChunked(entity, "Activations", JsonSerializer.Serialize(l.Activations.Select(ActivationRecord.From)));
        return entity;
    }

    /// <summary>
    /// A string property holds at most 32K UTF-16 characters; long activation lists continue in Activations1, 2, ...
    /// (an entity holds 1 MiB), which is what bounds <see cref="ActivationRules.HardCap"/>.
    /// </summary>
    private const int ChunkChars = 30_000;

    private static void WriteChunked(TableEntity entity, string name, string json)
    {
        for (int i = 0, at = 0; at < json.Length || i == 0; i++, at += ChunkChars)
            entity[i == 0 ? name : name + i] = json.Substring(at, Math.Min(ChunkChars, json.Length - at));
    }

    private static string ReadChunked(TableEntity entity, string name)
    {
        var first = entity.GetString(name);
        if (first is null) return "[]";
        var text = new StringBuilder(first);
        for (var i = 1; entity.GetString(name + i) is { } next; i++) text.Append(next);
        return text.ToString();
    }

    /// <summary>The stored shape of an activation: short names, since a license may hold thousands.</summary>
    private sealed record ActivationRecord(string I, string? D, string? F, string? N, DateTimeOffset C)
    {
        public static ActivationRecord From(Activation a) => new(a.Id, a.Domain, a.Fingerprint, a.Name, a.CreatedAt);
        public Activation ToActivation() => new(I, D, F, N, C);
    }

    public static License FromEntity(TableEntity e) => new()
    {
        AccountId = e.PartitionKey,
        Id = e.RowKey,
        ProductId = e.GetString("ProductId"),
        Plan = e.GetString("Plan"),
        Model = Naming.ParseModel(e.GetString("Model")) ?? LicenseModel.Subscription,
        Status = LicenseStatusNames.Parse(e.GetString("Status")) ?? LicenseStatus.Suspended,
        CustomerEmail = e.GetString("CustomerEmail"),
        Features = JsonSerializer.Deserialize<string[]>(e.GetString("Features") ?? "[]") ?? [],
        Activations = (JsonSerializer.Deserialize<ActivationRecord[]>(ReadChunked(e, "Activations")) ?? []).Select(a => a.ToActivation()).ToArray(),
        Deactivations = JsonSerializer.Deserialize<DateTimeOffset[]>(e.GetString("Deactivations") ?? "[]") ?? [],
        StatusReason = e.GetString("StatusReason"),
        BillingState = Licensing.Domain.Billing.BillingStates.Parse(e.GetString("BillingState")),
        RedeemedCodes = JsonSerializer.Deserialize<string[]>(e.GetString("RedeemedCodes") ?? "[]") ?? [],
        UpdatesUntil = e.GetDateTimeOffset("UpdatesUntil"),
        BillingUpdatedAt = e.GetDateTimeOffset("BillingUpdatedAt"),
        MaxActivations = e.GetInt32("MaxActivations"),
        ExpiresAt = e.GetDateTimeOffset("ExpiresAt"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
        Metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Metadata") ?? "{}") ?? [],
        Key = e.GetString("LicenseKey"),
        Version = e.ETag.ToString(),
    };
}
