using Licensing.Domain.Common;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;

namespace Licensing.Domain.Licenses;

/// <summary>
/// The first step of every key-authenticated operation shipped code calls (validate, activate, deactivate, usage):
/// verify the key in memory (a forged key costs no storage call), apply the per-key rate limit, then one point read
/// through the short license cache. The plan's policies come from the in-memory product cache.
/// </summary>
public sealed class KeyedLicenseReader(PublicKeyCache keys, AbuseGuard guard, ILicenseStore licenses, LicenseReadCache cache, ProductCache products)
{
    /// <summary>The license the key names, or null for a forged, malformed or unknown key.</summary>
    public Task<License?> ReadAsync(string key, CancellationToken ct) => ReadAsync(key, usage: false, ct);

    /// <summary>As <see cref="ReadAsync(string, CancellationToken)"/>, under the usage reports' own rate limit.</summary>
    public Task<License?> ReadForUsageAsync(string key, CancellationToken ct) => ReadAsync(key, usage: true, ct);

    /// <summary>The license's product (null if gone) and its plan's policies.</summary>
    public async Task<(Product? Product, PlanPolicy Plan, DevelopmentHostPolicy Development)> PoliciesAsync(License license, CancellationToken ct)
    {
        var product = await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false);
        var (plan, development) = ProductCache.Policies(product, license.Plan);
        return (product, plan, development);
    }

    /// <summary>A state this instance just wrote: later reads here see it at once.</summary>
    public void Update(License license) => cache.Update(license);

    private async Task<License?> ReadAsync(string key, bool usage, CancellationToken ct)
    {
        var ring = await keys.GetAsync(ct).ConfigureAwait(false);
        if (!LicenseKey.TryVerify(key, ring, out var id)) return null;
        if (usage) guard.CheckUsage(id.LicenseId);
        else guard.CheckLicense(id.LicenseId);
        return await cache.GetAsync(id.AccountId, id.LicenseId, licenses, ct).ConfigureAwait(false);
    }
}
