using Licensing.Domain.Common;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;

namespace Licensing.Domain.Licenses;

/// <summary>
/// The first step of every key-authenticated operation shipped code calls (validate, activate, deactivate, usage).
/// A native key (<c>LK1.</c>…) is verified in memory, once per instance (<see cref="VerifiedKeyCache"/>; a forged one costs no
/// storage call), then the per-key rate limit,
/// then one point read through the short license cache. Any other key of 1-128 printable ASCII characters is an alias
/// key: under the per-address limit on unknown keys, one point read of its hash (cached), then the same per-key limit
/// and license read; it counts only while the license lists it. The plan's policies come from the in-memory product cache.
/// </summary>
public sealed class KeyedLicenseReader(PublicKeyCache keys, VerifiedKeyCache verified, AbuseGuard guard, ILicenseStore licenses, LicenseReadCache cache,
    ProductCache products, KeyAliasLookup aliases, ShortKeys.ShortKeyRing? shortKeys = null)
{
    /// <summary>The license the key names, or null for a forged, malformed or unknown key.</summary>
    /// <param name="address">The caller's address, for the limit on unknown alias keys (null: callers without one share a limit).</param>
    public ValueTask<License?> ReadAsync(string key, string? address, CancellationToken ct) => ReadAsync(key, address, Purpose.Validate, ct);

    /// <summary>
    /// As <see cref="ReadAsync(string, string?, CancellationToken)"/> for validation, with the native key's <see cref="HotLicense"/>
    /// (null for an alias or short key), through which the rate limit, the license cache and the validation's later steps skip their
    /// lookups.
    /// </summary>
    public ValueTask<(License? License, HotLicense? Hot)> ReadHotAsync(string key, string? address, CancellationToken ct) =>
        ShortKey.HasShape(key) || !KeyAlias.IsNative(key) ? WithoutHotAsync(ReadAsync(key, address, Purpose.Validate, ct))
            : ReadNativeAsync(key, Purpose.Validate, ct);

    private static async ValueTask<(License?, HotLicense?)> WithoutHotAsync(ValueTask<License?> read) => (await read.ConfigureAwait(false), null);

    /// <summary>As <see cref="ReadAsync(string, string?, CancellationToken)"/>, under the usage reports' own rate limit.</summary>
    public ValueTask<License?> ReadForUsageAsync(string key, string? address, CancellationToken ct) => ReadAsync(key, address, Purpose.Usage, ct);

    /// <summary>
    /// An account's search by key (<see cref="LicenseSearch"/>): the same key parsing, the license fresh from storage, and no
    /// license's per-key limit spent (a search is not a validation: it must not make a shipped product's next check 429).
    /// </summary>
    public ValueTask<License?> ReadForSearchAsync(string key, string? address, CancellationToken ct) => ReadAsync(key, address, Purpose.Search, ct);

    /// <summary>The license's product (null if gone) and its plan's policies.</summary>
    public async ValueTask<(Product? Product, PlanPolicy Plan, DevelopmentHostPolicy Development)> PoliciesAsync(License license, CancellationToken ct,
        HotLicense? hot = null)
    {
        var kept = await products.PoliciesAsync(license, hot, ct).ConfigureAwait(false);
        return (kept.Product, kept.PlanPolicy, kept.Development);
    }

    /// <summary>A state this instance just wrote: later reads here see it at once.</summary>
    public void Update(License license) => cache.Update(license);

    private async ValueTask<License?> ReadAsync(string key, string? address, Purpose purpose, CancellationToken ct)
    {
        if (ShortKey.HasShape(key)) return await ReadShortAsync(key, address, purpose, ct).ConfigureAwait(false);
        if (!KeyAlias.IsNative(key)) return await ReadAliasAsync(key, address, purpose, ct).ConfigureAwait(false);
        return (await ReadNativeAsync(key, purpose, ct).ConfigureAwait(false)).License;
    }

    /// <summary>A native key: verified in memory (once per instance), then its license read through the key's hot state.</summary>
    private async ValueTask<(License? License, HotLicense? Hot)> ReadNativeAsync(string key, Purpose purpose, CancellationToken ct)
    {
        var ring = await keys.GetAsync(ct).ConfigureAwait(false);
        if (!verified.TryVerifyHot(key, ring, out var hot)) return (null, null);
        return (await ReadLicenseAsync(hot.Id.AccountId, hot.Id.LicenseId, purpose, ct, hot).ConfigureAwait(false), hot);
    }

    /// <summary>
    /// Text in the short-key shape: its MAC is checked in memory first (forged or mistyped: null, no storage read), then its
    /// canonical form is looked up like an alias key, so every typing variant finds the one stored hash.
    /// </summary>
    private ValueTask<License?> ReadShortAsync(string key, string? address, Purpose purpose, CancellationToken ct) =>
        shortKeys is not null && shortKeys.TryVerify(key, out var canonical)
            ? ReadAliasAsync(canonical, address, purpose, ct)
            : ValueTask.FromResult<License?>(null);

    private async ValueTask<License?> ReadAliasAsync(string key, string? address, Purpose purpose, CancellationToken ct)
    {
        if (!KeyAlias.IsWellFormed(key)) return null;
        guard.CheckKeyLookup(address);
        var hash = KeyAlias.Hash(key);
        var owner = await aliases.FindAsync(hash, ct).ConfigureAwait(false);
        var license = owner is null ? null : await ReadLicenseAsync(owner.AccountId, owner.LicenseId, purpose, ct).ConfigureAwait(false);
        if (license is not null && license.KeyAliases.Contains(hash)) return license;
        guard.UnknownKey(address);
        return null;
    }

    /// <param name="hot">A native key's hot state: the per-key bucket and the cache entry are reached through it (null: looked up).</param>
    private async ValueTask<License?> ReadLicenseAsync(string accountId, string licenseId, Purpose purpose, CancellationToken ct, HotLicense? hot = null)
    {
        if (purpose == Purpose.Search) return await licenses.GetAsync(accountId, licenseId, ct).ConfigureAwait(false);
        if (purpose == Purpose.Usage) guard.CheckUsage(licenseId);
        else guard.CheckLicense(licenseId, hot);
        return hot is null
            ? await cache.GetAsync(accountId, licenseId, licenses, ct).ConfigureAwait(false)
            : await cache.GetAsync(hot, licenses, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Whose read: the per-key limit it spends (validation's or usage's, none for a search) and whether the license cache serves it.
    /// </summary>
    private enum Purpose { Validate, Usage, Search }
}
