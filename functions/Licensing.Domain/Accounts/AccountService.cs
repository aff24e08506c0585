using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

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

    /// <summary>The credential a presented API key stands for, or null. Malformed keys cost no storage call.</summary>
    public async Task<Credential?> AuthenticateAsync(string? presentedKey, CancellationToken ct)
    {
        if (!ApiKeys.LooksLikeKey(presentedKey)) return null;
        var hash = ApiKeys.Hash(presentedKey!);
        return await store.GetAccountIdByKeyHashAsync(hash, ct).ConfigureAwait(false) is { } accountId
            ? new Credential(accountId, Audit.Actor.ApiKey(ApiKeys.IdFor(hash)), [Scopes.All])
            : null;
    }
}
