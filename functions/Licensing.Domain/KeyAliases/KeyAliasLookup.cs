using Licensing.Domain.Common;

namespace Licensing.Domain.KeyAliases;

/// <summary>
/// The public path's read of an alias key's row, cached like license reads (<see cref="Licenses.LicenseReadCache"/>):
/// a key in use costs one storage read per TTL per instance. Misses are not kept, so a key attached a moment ago is
/// found at once; the license's own list of alias hashes (re-read within the license cache's TTL) decides whether
/// a row still counts, so a key moved away answers <c>NOT_FOUND</c> within that bound.
/// </summary>
public sealed class KeyAliasLookup(IKeyAliasStore store, TimeProvider clock, TimeSpan ttl)
{
    private readonly TtlCache<string, KeyAliasOwner?> _entries = new(clock, ttl);

    public async ValueTask<KeyAliasOwner?> FindAsync(string hash, CancellationToken ct)
    {
        var owner = await _entries.GetAsync(hash, (store, hash), static (s, token) => s.store.GetAsync(s.hash, token), ct).ConfigureAwait(false);
        if (owner is null) _entries.Remove(hash);
        return owner;
    }
}
