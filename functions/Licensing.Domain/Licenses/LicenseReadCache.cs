using System.Collections.Concurrent;

namespace Licensing.Domain.Licenses;

/// <summary>
/// A short per-instance cache of licenses for the public read path (validate, activate, usage), so one license
/// validated by thousands of sites costs one storage read per <see cref="Ttl"/> per instance instead of one per
/// request — a table partition serves ~2,000 entities/s. Writes made on this instance update or drop the entry at
/// once; a change made on another instance is seen within <see cref="Ttl"/> (the documented revocation bound).
/// Read-modify-write paths never use it: they always read the entity and its ETag.
/// </summary>
public sealed class LicenseReadCache(TimeProvider clock, TimeSpan ttl)
{
    public const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<(string, string), (License? License, DateTimeOffset At)> _entries = new();

    public TimeSpan Ttl { get; } = ttl;

    public async ValueTask<License?> GetAsync(string accountId, string licenseId, Func<CancellationToken, Task<License?>> load, CancellationToken ct)
    {
        if (Ttl <= TimeSpan.Zero) return await load(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue((accountId, licenseId), out var hit) && now - hit.At < Ttl) return hit.License;
        var license = await load(ct).ConfigureAwait(false);
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[(accountId, licenseId)] = (license, now);
        return license;
    }

    /// <summary>Refreshes an entry the read path holds (writes never add entries of their own).</summary>
    public void Update(License license)
    {
        var key = (license.AccountId, license.Id);
        if (Ttl > TimeSpan.Zero && _entries.ContainsKey(key)) _entries[key] = (license, clock.GetUtcNow());
    }

    public void Invalidate(string accountId, string licenseId) => _entries.TryRemove((accountId, licenseId), out _);
}
