using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

public sealed record Account(string Id, string Name, string Email, DateTimeOffset CreatedAt, string Tier = "free");

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

/// <summary>
/// Account API keys: <c>lsk_</c> + 32 random bytes in base64url (256 bits), shown once. Stored as the hex SHA-256 of
/// the whole key, which is also the lookup key: a point read by hash, so lookup time does not depend on how much
/// of a guess matches a real key, and the stored value cannot be used as a key.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "lsk_";

    public static string NewKey() => Prefix + Base64Url.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Constant-time comparison of two secrets of any length (by their hashes).</summary>
    public static bool SecretEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    public static bool LooksLikeKey(string? value) => value is { Length: > 4 and <= 100 } && value.StartsWith(Prefix, StringComparison.Ordinal);
}

public sealed class AccountService(IAccountStore store, TimeProvider clock)
{
    public async Task<(Account Account, string ApiKey)> CreateAsync(string? name, string? email, string? tier, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed)) errors.Add("name", "is required");
        else if (trimmed.Length > 200) errors.Add("name", "at most 200 characters");
        var address = EmailAddress.Normalize(email);
        if (address is null) errors.Add("email", "must be a valid e-mail address");
        if (tier is not null && Quotas.Tier.Parse(tier) is null) errors.Add("tier", "must be one of " + string.Join(", ", Quotas.Tier.All.Select(t => t.Name)));
        errors.ThrowIfAny();

        var account = new Account(Ids.NewAccountId(), trimmed!, address!, clock.GetUtcNow(), tier ?? Quotas.Tier.Free.Name);
        var key = ApiKeys.NewKey();
        await store.AddAsync(account, ApiKeys.Hash(key), ct).ConfigureAwait(false);
        return (account, key);
    }

    /// <summary>The account a presented API key belongs to, or null. Malformed keys cost no storage call.</summary>
    public async Task<string?> AuthenticateAsync(string? presentedKey, CancellationToken ct)
    {
        if (!ApiKeys.LooksLikeKey(presentedKey)) return null;
        return await store.GetAccountIdByKeyHashAsync(ApiKeys.Hash(presentedKey!), ct).ConfigureAwait(false);
    }
}
