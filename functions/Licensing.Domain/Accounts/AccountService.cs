using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

public sealed class AccountService(IAccountStore store, IApiKeyStore keys, TimeProvider clock)
{
    /// <summary>
    /// Admin: creates an account and its first API key (every scope, listed as <see cref="ApiKey.AccountKeyName"/>). The
    /// e-mail address signs in to it unless the address already signs in to another account.
    /// </summary>
    public async Task<(Account Account, string ApiKey)> CreateAsync(string? name, string? email, string? tier, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var trimmed = ValidName(name, errors);
        var address = EmailAddress.Normalize(email);
        if (address is null) errors.Add("email", "must be a valid e-mail address");
        if (tier is not null && Quotas.Tier.Parse(tier) is null) errors.Add("tier", "must be one of " + string.Join(", ", Quotas.Tier.All.Select(t => t.Name)));
        errors.ThrowIfAny();

        var account = new Account(Ids.NewAccountId(), trimmed!, address!, clock.GetUtcNow(), tier ?? Quotas.Tier.Free.Name);
        if (!await store.AddAsync(account, ct).ConfigureAwait(false)) throw new ConflictException("the account already exists");
        var key = ApiKeys.NewKey();
        await keys.AddAsync(new ApiKey(ApiKeys.NewId(), account.Id, ApiKey.AccountKeyName, [Scopes.All], ApiKeys.PrefixOf(key), account.CreatedAt),
            ApiKeys.Hash(key), ct).ConfigureAwait(false);
        await store.AddEmailAsync(account.Email, account.Id, ct).ConfigureAwait(false);
        return (account, key);
    }

    /// <summary>An account's name: 1-200 characters after trimming; null (with an error on <c>name</c>) otherwise.</summary>
    public static string? ValidName(string? name, FieldErrors errors)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed)) errors.Add("name", "is required");
        else if (trimmed.Length > 200) errors.Add("name", "at most 200 characters");
        else return trimmed;
        return null;
    }
}
