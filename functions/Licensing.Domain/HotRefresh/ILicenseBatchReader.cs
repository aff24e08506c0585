using Licensing.Domain.Licenses;

namespace Licensing.Domain.HotRefresh;

/// <summary>One page of an account's licenses in id order, and the token of the next page (null at the end).</summary>
public sealed record LicenseRangePage(IReadOnlyList<License> Items, string? ContinuationToken);

/// <summary>Reads many licenses of one account (one partition) with few storage requests: what the hot-license refresher uses.</summary>
public interface ILicenseBatchReader
{
    /// <summary>The most license ids one <see cref="ReadManyAsync"/> request can name.</summary>
    int MaxIdsPerRequest { get; }

    /// <summary>The most licenses one <see cref="ReadPageAsync"/> request returns.</summary>
    int PageSize { get; }

    /// <summary>One request: those of <paramref name="licenseIds"/> (at most <see cref="MaxIdsPerRequest"/>) that exist.</summary>
    Task<IReadOnlyList<License>> ReadManyAsync(string accountId, IReadOnlyList<string> licenseIds, CancellationToken ct);

    /// <summary>One request: a page of every license of the account, from <paramref name="continuationToken"/> (null: the first).</summary>
    Task<LicenseRangePage> ReadPageAsync(string accountId, string? continuationToken, CancellationToken ct);
}
