using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

/// <summary>Where accounts live, with the index from an owner's e-mail address to the account it signs in to.</summary>
public interface IAccountStore
{
    /// <summary>Adds the account unless one with its id exists (true when added).</summary>
    Task<bool> AddAsync(Account account, CancellationToken ct);

    /// <summary>The account (one point read); null when there is no such account.</summary>
    Task<Account?> GetAsync(string accountId, CancellationToken ct);

    /// <summary>The account an e-mail address signs in to (one point read, case-insensitive); null when none.</summary>
    Task<string?> GetAccountIdByEmailAsync(string email, CancellationToken ct);

    /// <summary>
    /// Makes <paramref name="email"/> sign in to <paramref name="accountId"/> unless the address already signs in to an
    /// account; returns the account it signs in to (<paramref name="accountId"/>, or the one it had).
    /// </summary>
    Task<string> AddEmailAsync(string email, string accountId, CancellationToken ct);
}
