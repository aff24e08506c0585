namespace Licensing.Domain.Releases;

/// <summary>A product's releases (docs/storage.md, table <c>releases</c>).</summary>
public interface IReleaseStore
{
    Task<Release?> GetAsync(string accountId, string productId, string releaseId, CancellationToken ct);

    /// <summary>Every release of a product (a few hundred at most: one range read).</summary>
    Task<IReadOnlyList<Release>> ListAsync(string accountId, string productId, CancellationToken ct);

    /// <summary>Adds the release; false when the product already has a release with its id (the same version).</summary>
    Task<bool> AddAsync(Release release, CancellationToken ct);

    /// <summary>Replaces the release whatever is stored (marking it uploaded is idempotent).</summary>
    Task UpsertAsync(Release release, CancellationToken ct);
}

/// <summary>What blob storage knows of an uploaded package; no hash for one over the size it was inspected for.</summary>
public sealed record PackageInfo(long Size, string? Sha256);

/// <summary>
/// Release packages in blob storage: short-lived upload and download URLs (SAS), their size and hash, and a stream for
/// local runs. In Azure every SAS is a user-delegation SAS minted from the app's managed identity (no account key).
/// </summary>
public interface IPackageStore
{
    /// <summary>A URL that lets its holder create or overwrite exactly this blob until <paramref name="expiresAt"/>, nothing else.</summary>
    Task<Uri> UploadUrlAsync(string name, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>A URL that lets its holder read exactly this blob until <paramref name="expiresAt"/>.</summary>
    Task<Uri> DownloadUrlAsync(string name, string fileName, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>
    /// The blob's size and SHA-256 (read through once, only when it is at most <paramref name="maxBytes"/>), or null when
    /// nothing was uploaded.
    /// </summary>
    Task<PackageInfo?> InspectAsync(string name, long maxBytes, CancellationToken ct);

    /// <summary>The blob's content and length, or null when it is gone.</summary>
    Task<(Stream Content, long Length)?> OpenReadAsync(string name, CancellationToken ct);

    Task DeleteAsync(string name, CancellationToken ct);
}
