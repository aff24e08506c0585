namespace Licensing.Domain.Accounts;

/// <summary>
/// A session: who signed in, and until when its token is accepted. A founder's dashboard session has no
/// <see cref="CustomerEmail"/>; a customer portal session (docs/portal.md) names the customer it shows, in that account only.
/// </summary>
public sealed record Session(string Id, string AccountId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>The customer of a portal session; null for a founder's session.</summary>
    public string? CustomerEmail { get; init; }
}

/// <summary>Sessions by the hash of their token (one point read per request; never cached, so ending one is seen everywhere at once).</summary>
public interface ISessionStore
{
    Task AddAsync(Session session, string tokenHash, CancellationToken ct);

    Task<Session?> GetAsync(string tokenHash, CancellationToken ct);

    Task DeleteAsync(string tokenHash, CancellationToken ct);
}
