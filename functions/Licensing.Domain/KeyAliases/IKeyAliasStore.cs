namespace Licensing.Domain.KeyAliases;

/// <summary>Alias keys by hash, for the whole service: a key belongs to at most one license.</summary>
public interface IKeyAliasStore
{
    /// <summary>One point read: the license the key with this hash belongs to, or null.</summary>
    Task<KeyAliasOwner?> GetAsync(string hash, CancellationToken ct);

    /// <summary>Adds the row only if the hash is free; false when it is taken.</summary>
    Task<bool> AddAsync(string hash, KeyAliasOwner owner, CancellationToken ct);

    /// <summary>
    /// Points the row at <paramref name="owner"/> if it still has <paramref name="version"/>, else <see cref="Common.ConcurrencyException"/>.
    /// </summary>
    Task ReplaceAsync(string hash, KeyAliasOwner owner, string version, CancellationToken ct);

    /// <summary>Deletes the row if it still has <paramref name="version"/>; false when it was gone or had changed.</summary>
    Task<bool> DeleteAsync(string hash, string version, CancellationToken ct);
}
