using Licensing.Domain.Common;

namespace Licensing.Domain.Licenses;

/// <summary>
/// A short per-instance cache of licenses for the public read path (validate, activate, usage), so one license
/// validated by thousands of sites costs one storage read per <see cref="Ttl"/> per instance instead of one per
/// request — a table partition serves ~2,000 entities/s. Writes made on this instance refresh the entry at once; a
/// change made on another instance is seen within <see cref="Ttl"/> (the documented revocation bound), counted from when
/// the read that produced the entry started. Hot entries are reloaded ahead of expiry by the background refresher
/// (<see cref="HotRefresh.HotLicenseRefresher"/>), so a request for one never waits on storage.
/// Read-modify-write paths never use it: they always read the entity and its ETag.
/// </summary>
public sealed class LicenseReadCache(TimeProvider clock, TimeSpan ttl)
{
    private readonly TtlCache<(string AccountId, string LicenseId), License?> _entries = new(clock, ttl, unchanged: SameVersion.Instance);

    public TimeSpan Ttl => _entries.Ttl;

    public ValueTask<License?> GetAsync(string accountId, string licenseId, ILicenseStore store, CancellationToken ct) =>
        _entries.GetAsync((accountId, licenseId), (store, accountId, licenseId), static (s, token) => s.store.GetAsync(s.accountId, s.licenseId, token), ct);

    /// <summary>
    /// As <see cref="GetAsync(string, string, ILicenseStore, CancellationToken)"/>, through the entry <paramref name="hot"/> kept while it
    /// is still the one held and fresh (the same value and age rules: a kept entry is never older than a looked-up one).
    /// </summary>
    public ValueTask<License?> GetAsync(HotLicense hot, ILicenseStore store, CancellationToken ct) =>
        _entries.TryGet(hot.Cached, out var kept) ? ValueTask.FromResult(kept) : LoadAsync(hot, store, ct);

    private async ValueTask<License?> LoadAsync(HotLicense hot, ILicenseStore store, CancellationToken ct)
    {
        var key = (hot.Id.AccountId, hot.Id.LicenseId);
        var license = await _entries.GetAsync(key, (store, key), static (s, token) => s.store.GetAsync(s.key.AccountId, s.key.LicenseId, token), ct)
            .ConfigureAwait(false);
        hot.Cached = _entries.Held(key);
        return license;
    }

    /// <summary>Refreshes an entry the read path holds (writes never add entries of their own).</summary>
    public void Update(License license) => _entries.Refresh((license.AccountId, license.Id), license);

    /// <summary>
    /// A license this instance just created: an entry saying "gone" (its id was deleted, and an import or a provider's event
    /// issued it again) is dropped, so the next read here loads it rather than answering NOT_FOUND until the entry expires.
    /// </summary>
    public void Created(string accountId, string licenseId) => _entries.Remove((accountId, licenseId));

    /// <summary>A license this instance just deleted: later reads here miss at once.</summary>
    public void Remove(string accountId, string licenseId) => _entries.Refresh((accountId, licenseId), null);

    /// <summary>Entries read at or after <paramref name="readSince"/>, with when each was loaded (at most <paramref name="max"/>).</summary>
    public IReadOnlyList<((string AccountId, string LicenseId) Key, DateTimeOffset LoadedAt)> Hot(DateTimeOffset readSince, int max) =>
        _entries.Hot(readSince, DateTimeOffset.MaxValue, max);

    /// <summary>
    /// A license (null: gone) as read by a query that started at <paramref name="readStartedAt"/>; kept only if the entry is still
    /// held and older than that read.
    /// </summary>
    public bool TryRefresh(string accountId, string licenseId, License? license, DateTimeOffset readStartedAt) =>
        _entries.TryRefresh((accountId, licenseId), license, readStartedAt);

    /// <summary>
    /// Renews the entry of a license whose row a query that started at <paramref name="readStartedAt"/> found at
    /// <paramref name="version"/>, when the entry holds that version (<see cref="Renewal.Changed"/>: it holds another, or "gone").
    /// </summary>
    public Renewal TryRenew(string accountId, string licenseId, string version, DateTimeOffset readStartedAt) =>
        _entries.TryRenew((accountId, licenseId), version, static (held, v) => held?.Version == v, readStartedAt);

    /// <summary>
    /// Two reads of a license at the same ETag are the same state: a refresh that finds the license unchanged keeps the object held
    /// (and with it the strings later lookups compare, such as the certificate reuse's key) and lets the new one die young.
    /// </summary>
    private sealed class SameVersion : IEqualityComparer<License?>
    {
        public static readonly SameVersion Instance = new();

        public bool Equals(License? x, License? y) =>
            x is not null && y is not null && x.Version is { } v && v == y.Version && x.AccountId == y.AccountId && x.Id == y.Id;

        public int GetHashCode(License? obj) => obj?.Version?.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
