namespace Licensing.Domain.Accounts;

/// <summary>
/// Where API keys live: a lookup entry per key hash (what authentication reads, one point read) and a record per key in
/// its account (what the key list reads). Keys are never stored, only their SHA-256.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>Adds the key's record, then its lookup entry (a crash between leaves a listed key that does not work).</summary>
    Task AddAsync(ApiKey key, string keyHash, CancellationToken ct);

    /// <summary>The key a hash stands for (one point read); null when unknown or revoked.</summary>
    Task<ApiKey?> GetByHashAsync(string keyHash, CancellationToken ct);

    Task<IReadOnlyList<ApiKey>> ListAsync(string accountId, CancellationToken ct);

    /// <summary>
    /// Removes the lookup entry first (the key stops working), then the record; returns the key's hash (to forget it in
    /// caches), or null when the account has no such key.
    /// </summary>
    Task<string?> DeleteAsync(string accountId, string keyId, CancellationToken ct);

    /// <summary>Records when the key was last used, if it still exists (never brings a revoked key back).</summary>
    Task ReplaceLastUsedAsync(string accountId, string keyId, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Gives a <see cref="ApiKey.Legacy"/> key its record: marks its lookup entry, if it still exists, then adds the record
    /// unless there is one. A key revoked meanwhile gets no record.
    /// </summary>
    Task AddRecordAsync(ApiKey key, string keyHash, CancellationToken ct);
}
