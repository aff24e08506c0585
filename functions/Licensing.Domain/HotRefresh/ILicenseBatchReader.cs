using Licensing.Domain.Licenses;

namespace Licensing.Domain.HotRefresh;

/// <summary>A license's id and the version (ETag) its row has now: what a range read of the refresher returns.</summary>
public readonly record struct LicenseVersion(string LicenseId, string Version);

/// <summary>One page of an account's license versions in id order, and the token of the next page (null at the end).</summary>
public sealed record LicenseVersionPage(IReadOnlyList<LicenseVersion> Items, string? ContinuationToken);

/// <summary>Reads many licenses of one account (one partition) with few storage requests: what the hot-license refresher uses.</summary>
public interface ILicenseBatchReader
{
    /// <summary>The most license ids one <see cref="ReadManyAsync"/> request can name.</summary>
    int MaxIdsPerRequest { get; }

    /// <summary>The most licenses one <see cref="ReadVersionsAsync"/> request returns.</summary>
    int PageSize { get; }

    /// <summary>One request: those of <paramref name="licenseIds"/> (at most <see cref="MaxIdsPerRequest"/>) that exist, whole.</summary>
    Task<IReadOnlyList<License>> ReadManyAsync(string accountId, IReadOnlyList<string> licenseIds, CancellationToken ct);

    /// <summary>
    /// One request: a page of the versions of every license of the account, from <paramref name="continuationToken"/> (null: the first).
    /// Only ids and ETags cross the wire; a license whose version changed is then read by id.
    /// </summary>
    Task<LicenseVersionPage> ReadVersionsAsync(string accountId, string? continuationToken, CancellationToken ct);
}
