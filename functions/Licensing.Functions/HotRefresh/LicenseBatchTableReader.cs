using Azure.Data.Tables;
using Licensing.Domain.HotRefresh;
using Licensing.Domain.Licenses;
using Licensing.Functions.Licenses;
using Licensing.Functions.Storage;

namespace Licensing.Functions.HotRefresh;

/// <summary>
/// The hot-license refresher's reads of the <c>licenses</c> table (docs/storage.md): a page of the versions (row key and ETag, no
/// property) of an account's license rows (the RowKey range of license ids, never its activation or journal rows), or one query
/// naming up to <see cref="MaxIdsPerRequest"/> license ids of one partition, whole. Both run inside the storage fault guard.
/// </summary>
public sealed class LicenseBatchTableReader(TableStorage tables, LicenseTableStore licenses, int pageSize = 1000) : ILicenseBatchReader
{
    /// <summary>Table storage allows 15 comparisons in a filter: the PartitionKey and 14 RowKeys.</summary>
    public int MaxIdsPerRequest => 14;

    /// <summary>Table storage returns at most 1,000 entities a page (the default; smaller only to test paging).</summary>
    public int PageSize { get; } = Math.Clamp(pageSize, 1, 1000);

    public async Task<IReadOnlyList<License>> ReadManyAsync(string accountId, IReadOnlyList<string> licenseIds, CancellationToken ct)
    {
        if (licenseIds.Count is 0) return [];
        if (licenseIds.Count > MaxIdsPerRequest) throw new ArgumentOutOfRangeException(nameof(licenseIds), $"at most {MaxIdsPerRequest} ids a request");
        var ids = string.Join(" or ", licenseIds.Select(id => TableClient.CreateQueryFilter($"RowKey eq {id}")));
        var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")} and ({ids})";
        var (rows, _) = await tables.Licenses.QueryPageAsync(filter, MaxIdsPerRequest, null, ct);
        return [.. rows.Select(licenses.Read)];
    }

    public async Task<LicenseVersionPage> ReadVersionsAsync(string accountId, string? continuationToken, CancellationToken ct)
    {
        var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")} and {LicenseTableStore.LicenseRows}";
        var (rows, next) = await tables.Licenses.QueryPageAsync(filter, PageSize, continuationToken, ct, VersionOnly);
        return new LicenseVersionPage([.. rows.Select(e => new LicenseVersion(e.RowKey, e.ETag.ToString()))], next);
    }

    /// <summary>A range read asks for the row key alone: storage still sends each entity's keys and ETag, and none of its properties.</summary>
    private static readonly string[] VersionOnly = ["RowKey"];
}
