using Licensing.Domain.Common;
using Licensing.Domain.Products;

namespace Licensing.Domain.Releases;

/// <summary>A release and the URL its package is uploaded to (null once it is uploaded).</summary>
public sealed record PublishedRelease(Release Release, Uri? UploadUrl, DateTimeOffset? UploadUrlExpiresAt);

/// <summary>
/// The account side of releases: publish a version, hand out the short-lived upload URL, verify the uploaded package
/// (it must exist, fit in <see cref="ReleaseRules.MaxPackageBytes"/> and, when the caller names one, have its SHA-256),
/// list a product's releases.
/// </summary>
public sealed class ReleaseService(IReleaseStore store, IPackageStore packages, ProductService products, ReleaseCache cache, TimeProvider clock,
    TimeSpan uploadUrlLifetime)
{
    public async Task<PublishedRelease> PublishAsync(string accountId, string productId, PublishReleaseInput input, CancellationToken ct)
    {
        var v = ReleaseRules.Validate(productId, input);
        await products.GetAsync(accountId, productId, ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var release = new Release
        {
            AccountId = accountId,
            ProductId = productId,
            Id = ReleaseRules.IdFor(productId, v.Version),
            Version = v.Version,
            Channel = v.Channel,
            Changelog = v.Changelog,
            RequiresWp = v.RequiresWp,
            TestedWp = v.TestedWp,
            RequiresPhp = v.RequiresPhp,
            ReleasedAt = v.ReleasedAt ?? now,
            CreatedAt = now,
        };
        // The upload URL first: if blob storage is down the answer is 503 and nothing was written.
        var published = await WithUploadUrlAsync(release, ct).ConfigureAwait(false);
        if (!await store.AddAsync(release, ct).ConfigureAwait(false))
            throw new ConflictException($"product '{productId}' already has a release {v.Version.Precedence}");
        cache.Invalidate(accountId, productId);
        return published;
    }

    public async Task<IReadOnlyList<Release>> ListAsync(string accountId, string productId, CancellationToken ct)
    {
        await products.GetAsync(accountId, productId, ct).ConfigureAwait(false);
        return (await store.ListAsync(accountId, productId, ct).ConfigureAwait(false)).OrderByDescending(r => r.Version).ToArray();
    }

    public async Task<Release> GetAsync(string accountId, string productId, string releaseId, CancellationToken ct) =>
        Naming.IsSlug(productId) && ReleaseRules.IsId(releaseId)
        && await store.GetAsync(accountId, productId, releaseId, ct).ConfigureAwait(false) is { } release
            ? release
            : throw new NotFoundException($"release '{releaseId}' of product '{productId}' not found");

    /// <summary>A fresh upload URL for a release whose package is not uploaded yet (the first one expired).</summary>
    public async Task<PublishedRelease> RenewUploadUrlAsync(string accountId, string productId, string releaseId, CancellationToken ct)
    {
        var release = await GetAsync(accountId, productId, releaseId, ct).ConfigureAwait(false);
        if (release.PackageUploaded) throw new ConflictException("the package of this release is uploaded and verified; publish a new version to change it");
        return await WithUploadUrlAsync(release, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Verifies the uploaded blob and marks the release uploaded, so it is offered from then on. Idempotent: a release
    /// already marked is returned as it is.
    /// </summary>
    public async Task<Release> MarkUploadedAsync(string accountId, string productId, string releaseId, string? expectedSha256, CancellationToken ct)
    {
        if (expectedSha256 is not null && (expectedSha256.Length != 64 || !expectedSha256.All(char.IsAsciiHexDigit)))
            throw ValidationFailedException.For("sha256", "must be 64 hexadecimal digits");
        var release = await GetAsync(accountId, productId, releaseId, ct).ConfigureAwait(false);
        if (release.PackageUploaded)
        {
            if (expectedSha256 is not null && !string.Equals(expectedSha256, release.PackageSha256, StringComparison.OrdinalIgnoreCase))
                throw new ConflictException($"the uploaded package has SHA-256 {release.PackageSha256}, not {expectedSha256.ToLowerInvariant()}");
            return release;
        }
        var info = await packages.InspectAsync(release.PackageName, ReleaseRules.MaxPackageBytes, ct).ConfigureAwait(false)
            ?? throw new ConflictException("no package has been uploaded for this release yet: PUT the zip to the release's uploadUrl first");
        if (info.Size > ReleaseRules.MaxPackageBytes)
        {
            await packages.DeleteAsync(release.PackageName, ct).ConfigureAwait(false);
            throw new ConflictException(
                $"the package is {info.Size} bytes; at most {ReleaseRules.MaxPackageBytes} (100 MiB). It was deleted: upload a smaller one");
        }
        if (info.Size == 0) throw new ConflictException("the uploaded package is empty; upload the zip again");
        if (expectedSha256 is not null && !string.Equals(expectedSha256, info.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new ConflictException($"the uploaded package has SHA-256 {info.Sha256}, not {expectedSha256.ToLowerInvariant()}; upload it again");
        var uploaded = release with { PackageUploaded = true, PackageSize = info.Size, PackageSha256 = info.Sha256 };
        await store.UpsertAsync(uploaded, ct).ConfigureAwait(false);
        cache.Invalidate(accountId, productId);
        return uploaded;
    }

    private async Task<PublishedRelease> WithUploadUrlAsync(Release release, CancellationToken ct)
    {
        var expires = clock.GetUtcNow() + uploadUrlLifetime;
        return new PublishedRelease(release, await packages.UploadUrlAsync(release.PackageName, expires, ct).ConfigureAwait(false), expires);
    }
}
