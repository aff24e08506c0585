using Licensing.Domain.Audit;

namespace Licensing.Domain.Accounts;

/// <summary>An authenticated account credential: the account, who is acting (for the audit log) and what it may do.</summary>
public sealed record Credential(string AccountId, Actor Actor, IReadOnlyList<string> Scopes)
{
    public bool Allows(string scope) => Accounts.Scopes.Allows(Scopes, scope);
}
