using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.ShortKeys;

/// <summary>
/// Gives a license being issued for a <c>"keyFormat": "short"</c> product its short key: the key is derived from the
/// license id (so a retried or replayed issuance gets the same key), and its canonical form is stored only as an alias
/// hash (table <c>keyaliases</c> plus the license's own list), written before the license so the key never names nothing.
/// </summary>
public sealed class ShortKeyIssuer(ShortKeyRing ring, IKeyAliasStore aliases)
{
    public async Task<License> AssignAsync(License license, CancellationToken ct)
    {
        var (key, version) = ring.Issue(license.AccountId, license.Id);
        var hash = KeyAlias.Hash(key);
        var owner = new KeyAliasOwner(license.AccountId, license.Id);
        if (!await aliases.AddAsync(hash, owner, ct).ConfigureAwait(false)
            && await aliases.GetAsync(hash, ct).ConfigureAwait(false) is { } held && !held.Is(owner))
            // 75 bits derived from a unique license id: two licenses cannot share a key unless the secret is reused wrongly.
            throw new InvalidOperationException("a derived short key is already held by another license");
        return license with { ShortKeyVersion = version, ShortKey = key, KeyAliases = [.. license.KeyAliases, hash] };
    }
}
