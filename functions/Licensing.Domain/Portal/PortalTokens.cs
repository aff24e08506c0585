using Licensing.Domain.Accounts;
using Licensing.Domain.Audit;

namespace Licensing.Domain.Portal;

/// <summary>
/// The customer portal's bearer secrets, made and stored like the founder's (<see cref="BearerTokens"/>: 256 random bits,
/// only the hash stored) but with prefixes of their own, so neither kind is ever taken for the other: <c>lci_</c> one-time
/// links (15 minutes, single use) and <c>lcs_</c> sessions (<see cref="SessionLifetime"/>, one account, one customer).
/// </summary>
public static class PortalTokens
{
    public const string Purpose = "portal";
    public const string LinkPrefix = "lci_";
    public const string SessionPrefix = "lcs_";
    public const string SessionIdPrefix = "cps_";
    public static readonly TimeSpan LinkLifetime = SignInTokens.Lifetime;
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);
}

/// <summary>A signed-in portal customer: the vendor's account, the customer's address, and the session (the audit log's actor id).</summary>
public sealed record PortalCustomer(string AccountId, string Email, string SessionId)
{
    public Actor Actor => Actor.Customer(SessionId);
}
