using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

/// <summary>Where accounts and their API key hashes live. Keys are never stored, only their SHA-256.</summary>
public interface IAccountStore
{
    /// <summary>Adds the account and its API key hash; <see cref="ConflictException"/> when either exists.</summary>
    Task AddAsync(Account account, string apiKeyHash, CancellationToken ct);

    /// <summary>The account (one point read); null when there is no such account.</summary>
    Task<Account?> GetAsync(string accountId, CancellationToken ct);

    /// <summary>The account id for an API key hash, by point read; null when unknown.</summary>
    Task<string?> GetAccountIdByKeyHashAsync(string apiKeyHash, CancellationToken ct);
}
