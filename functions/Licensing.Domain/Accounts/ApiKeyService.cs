using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

/// <summary>Many named API keys per account, each with its scopes: create (the secret shown once), list, revoke.</summary>
public sealed class ApiKeyService(IApiKeyStore keys, Authenticator authenticator, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    public const int MaxKeysPerAccount = 100;

    /// <summary>
    /// A new key for the caller's account. Scopes must be known (<see cref="Scopes.Known"/>), and a credential can only
    /// grant scopes it holds itself (403 otherwise), so a narrow key cannot mint a wider one.
    /// </summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(Credential caller, string? name, IReadOnlyList<string?>? scopes, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed)) errors.Add("name", "is required");
        else if (trimmed.Length > MaxNameLength || trimmed.Any(char.IsControl))
            errors.Add("name", $"at most {MaxNameLength} characters, no control characters");
        if (scopes is null || scopes.Count == 0) errors.Add("scopes", "at least one scope is required: " + string.Join(", ", Scopes.Known));
        else
            for (var i = 0; i < scopes.Count; i++)
                if (!Scopes.IsKnown(scopes[i])) errors.Add($"scopes[{i}]", "must be one of " + string.Join(", ", Scopes.Known));
        errors.ThrowIfAny();

        var granted = scopes!.Select(s => s!).Distinct(StringComparer.Ordinal).ToArray();
        if (granted.FirstOrDefault(s => !caller.Allows(s)) is { } beyond)
            throw new ForbiddenScopeException($"a credential can only grant scopes it holds; this one lacks '{beyond}'");
        var existing = await keys.ListAsync(caller.AccountId, ct).ConfigureAwait(false);
        if (existing.Count >= MaxKeysPerAccount) throw new ConflictException($"an account holds at most {MaxKeysPerAccount} API keys; revoke one first");

        var secret = ApiKeys.NewKey();
        var key = new ApiKey(ApiKeys.NewId(), caller.AccountId, trimmed!, granted, ApiKeys.PrefixOf(secret), clock.GetUtcNow());
        await keys.AddAsync(key, ApiKeys.Hash(secret), ct).ConfigureAwait(false);
        return (key, secret);
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync(string accountId, CancellationToken ct) => keys.ListAsync(accountId, ct);

    /// <summary>Revokes a key: refused from the next request on this instance, within the key cache bound elsewhere.</summary>
    public async Task RevokeAsync(string accountId, string keyId, CancellationToken ct)
    {
        var hash = ApiKeys.IsId(keyId) ? await keys.DeleteAsync(accountId, keyId, ct).ConfigureAwait(false) : null;
        if (hash is null) throw new NotFoundException("API key not found");
        authenticator.Forget(hash);
    }
}
