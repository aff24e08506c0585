using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Signing;

namespace Licensing.Domain.KeyAliases;

/// <summary>
/// Gives a license alias keys and takes them away. Two writes make a key a license's: its row (hash → license, added
/// only if absent, so a key belongs to one license in the whole service), then the license's list of alias hashes.
/// The license's list decides: a row that no license lists (a write that stopped between the two) is not a key of
/// anything, answers <c>NOT_FOUND</c>, and is free for the next license that claims it.
/// </summary>
public sealed class KeyAliasService(IKeyAliasStore aliases, ILicenseStore licenses, LicenseService service)
{
    public static readonly string Rule = $"must be 1-{KeyAlias.MaxLength} printable ASCII characters and not start with '{LicenseKey.Prefix}'";

    /// <summary>Makes <paramref name="key"/> a key of the license (idempotent); <see cref="KeyUnavailableException"/> when another license holds it.</summary>
    public Task<License> AttachAsync(string accountId, string licenseId, string key, Audit.Actor actor, CancellationToken ct) =>
        MoveAsync(accountId, licenseId, null, key, actor, ct);

    /// <summary>
    /// Makes <paramref name="to"/> a key of the license and <paramref name="from"/> (when given) no longer one, in the
    /// license's one write: from then on <paramref name="from"/> answers <c>NOT_FOUND</c>.
    /// </summary>
    public async Task<License> MoveAsync(string accountId, string licenseId, string? from, string to, Audit.Actor actor, CancellationToken ct)
    {
        if (!KeyAlias.IsWellFormed(to)) throw ValidationFailedException.For("key", Rule);
        var owner = new KeyAliasOwner(accountId, licenseId);
        var hash = KeyAlias.Hash(to);
        var old = from is null ? null : KeyAlias.Hash(from);
        if (old == hash) old = null;
        await ClaimAsync(hash, owner, ct).ConfigureAwait(false);
        var license = await service.ApplyAsync(accountId, licenseId, actor, (l, _) => List(l, hash, old), ct).ConfigureAwait(false);
        if (old is not null) await ReleaseAsync(old, owner, ct).ConfigureAwait(false);
        return await ConfirmedAsync(license, hash, owner, actor, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a license with <paramref name="key"/> as its alias key: the same claim, listing and confirmation as
    /// <see cref="AttachAsync"/>, but the listing rides in the write that creates the license. <paramref name="issue"/>
    /// creates license <paramref name="licenseId"/>, calling the step it is given just before its write (the key's row is
    /// claimed there, once the input is valid, and the license returned lists the key), or returns the license that exists,
    /// which is then given the key as any license is. <see cref="KeyUnavailableException"/> when another license holds
    /// the key: a license created here then lists no key.
    /// </summary>
    public async Task<License> IssueWithKeyAsync(string accountId, string licenseId, string key, Audit.Actor actor,
        Func<Func<License, CancellationToken, Task<License>>, CancellationToken, Task<License>> issue, CancellationToken ct)
    {
        if (!KeyAlias.IsWellFormed(key)) throw ValidationFailedException.For("key", Rule);
        var owner = new KeyAliasOwner(accountId, licenseId);
        var hash = KeyAlias.Hash(key);
        var claimed = false;
        var license = await issue(async (l, token) =>
        {
            await ClaimAsync(hash, owner, token).ConfigureAwait(false);
            claimed = true;
            return List(l, hash, null) ?? l;
        }, ct).ConfigureAwait(false);
        return claimed
            ? await ConfirmedAsync(license, hash, owner, actor, ct).ConfigureAwait(false)
            : await AttachAsync(accountId, licenseId, key, actor, ct).ConfigureAwait(false);
    }

    /// <summary>The license once its row is confirmed ours; else the key is taken off its list and is another license's.</summary>
    private async Task<License> ConfirmedAsync(License license, string hash, KeyAliasOwner owner, Audit.Actor actor, CancellationToken ct)
    {
        if (await ConfirmAsync(hash, owner, ct).ConfigureAwait(false)) return license;
        // Another license took the row between our claim and our listing (only a row nobody listed can be taken): it is theirs.
        await service.ApplyAsync(owner.AccountId, owner.LicenseId, actor,
            (l, _) => l.KeyAliases.Contains(hash) ? l with { KeyAliases = [.. l.KeyAliases.Where(h => h != hash)] } : null, ct).ConfigureAwait(false);
        throw new KeyUnavailableException("this key belongs to another license");
    }

    /// <summary>
    /// The license holding the key with <paramref name="hash"/>: its row's, while that license lists the key (the list
    /// decides); null when the key is free. A write checks before it changes anything; claiming checks again.
    /// </summary>
    public async Task<KeyAliasOwner?> HolderAsync(string hash, CancellationToken ct) =>
        await aliases.GetAsync(hash, ct).ConfigureAwait(false) is { } row && await ListsAsync(row, hash, ct).ConfigureAwait(false) ? row : null;

    /// <summary>Removes the rows of every alias key of a license that is being deleted (they would answer NOT_FOUND anyway).</summary>
    public async Task DetachAllAsync(License license, CancellationToken ct)
    {
        var owner = new KeyAliasOwner(license.AccountId, license.Id);
        foreach (var hash in license.KeyAliases) await ReleaseAsync(hash, owner, ct).ConfigureAwait(false);
    }

    private static License? List(License license, string hash, string? old)
    {
        if (license.KeyAliases.Contains(hash) && (old is null || !license.KeyAliases.Contains(old))) return null;
        var next = license.KeyAliases.Where(h => h != old && h != hash).Append(hash).ToArray();
        if (next.Length > KeyAlias.MaxPerLicense) throw new ConflictException($"a license holds at most {KeyAlias.MaxPerLicense} alias keys");
        return license with { KeyAliases = next };
    }

    private Task<bool> ClaimAsync(string hash, KeyAliasOwner owner, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            if (await aliases.AddAsync(hash, owner, token).ConfigureAwait(false)) return true;
            var held = await aliases.GetAsync(hash, token).ConfigureAwait(false)
                ?? throw new ConcurrencyException("an alias key row went away while it was claimed");
            if (held.Is(owner)) return true;
            if (await ListsAsync(held, hash, token).ConfigureAwait(false)) throw new KeyUnavailableException("this key belongs to another license");
            await aliases.ReplaceAsync(hash, owner, held.Version!, token).ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>
    /// After listing: rewrites the row, if it is still ours, so its ETag changes. A claimant that saw the row unlisted
    /// before we listed it then fails its conditional takeover and finds the key listed; one that took it first makes
    /// this fail, and the key is theirs.
    /// </summary>
    private Task<bool> ConfirmAsync(string hash, KeyAliasOwner owner, CancellationToken ct) =>
        Concurrency.RetryAsync(async token =>
        {
            if (await aliases.GetAsync(hash, token).ConfigureAwait(false) is not { } held || !held.Is(owner)) return false;
            await aliases.ReplaceAsync(hash, owner, held.Version!, token).ConfigureAwait(false);
            return true;
        }, ct);

    private async Task<bool> ListsAsync(KeyAliasOwner row, string hash, CancellationToken ct) =>
        await licenses.GetAsync(row.AccountId, row.LicenseId, ct).ConfigureAwait(false) is { } license && license.KeyAliases.Contains(hash);

    private async Task ReleaseAsync(string hash, KeyAliasOwner owner, CancellationToken ct)
    {
        if (await aliases.GetAsync(hash, ct).ConfigureAwait(false) is { } held && held.Is(owner))
            await aliases.DeleteAsync(hash, held.Version!, ct).ConfigureAwait(false);
    }
}
