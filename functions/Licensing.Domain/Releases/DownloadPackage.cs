using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Validation;

namespace Licensing.Domain.Releases;

/// <summary>
/// <c>GET /v1/downloads/{token}</c>: the token must open, be unexpired, name an uploaded release, and its license must
/// still pass validation's rules for that release at download time (status, expiry, product, update entitlement; no
/// domain is asked, the check that issued the token bound it). Anything else is "not found".
/// </summary>
public sealed class DownloadPackage(IDownloadTokens tokens, ILicenseStore licenses, LicenseReadCache cache, IReleaseStore releases,
    ProductCache products, TimeProvider clock)
{
    public async Task<Release?> AuthorizeAsync(string token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (token.Length > 1024 || tokens.Open(token) is not { } grant || grant.ExpiresAt <= now) return null;
        var license = await cache.GetAsync(grant.AccountId, grant.LicenseId, licenses, ct).ConfigureAwait(false);
        if (license is null) return null;
        var release = await releases.GetAsync(grant.AccountId, grant.ProductId, grant.ReleaseId, ct).ConfigureAwait(false);
        if (release is not { PackageUploaded: true }) return null;
        var (plan, development) = ProductCache.Policies(await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false), license.Plan);
        var request = new ValidationRequest(token, null, null, [], release.ProductId) { ReleaseDate = release.ReleasedAt };
        return ValidationRules.Evaluate(license, request, now, plan, development).Verdict.Valid ? release : null;
    }
}
