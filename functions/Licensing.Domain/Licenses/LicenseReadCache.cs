using Licensing.Domain.Common;

namespace Licensing.Domain.Licenses;

/// <summary>
/// A short per-instance cache of licenses for the public read path (validate, activate, usage), so one license
/// validated by thousands of sites costs one storage read per <see cref="Ttl"/> per instance instead of one per
/// request — a table partition serves ~2,000 entities/s. Writes made on this instance refresh the entry at once; a
/// change made on another instance is seen within <see cref="Ttl"/> (the documented revocation bound).
/// Read-modify-write paths never use it: they always read the entity and its ETag.
/// </summary>
public sealed class LicenseReadCache(TimeProvider clock, TimeSpan ttl)
{
    private readonly TtlCache<(string, string), License?> _entries = new(clock, ttl);

    public TimeSpan Ttl => _entries.Ttl;

    public ValueTask<License?> GetAsync(string accountId, string licenseId, ILicenseStore store, CancellationToken ct) =>
        _entries.GetAsync((accountId, licenseId), store, (s, token) => s.GetAsync(accountId, licenseId, token), ct);

    /// <summary>Refreshes an entry the read path holds (writes never add entries of their own).</summary>
    public void Update(License license) => _entries.Refresh((license.AccountId, license.Id), license);

    /// <summary>A license this instance just deleted: later reads here miss at once.</summary>
    public void Remove(string accountId, string licenseId) => _entries.Refresh((accountId, licenseId), null);
}
