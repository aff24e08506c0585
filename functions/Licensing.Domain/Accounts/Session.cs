namespace Licensing.Domain.Accounts;

/// <summary>A dashboard session: who signed in, and until when its token is accepted.</summary>
public sealed record Session(string Id, string AccountId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>Sessions by the hash of their token (one point read per request; never cached, so ending one is seen everywhere at once).</summary>
public interface ISessionStore
{
    Task AddAsync(Session session, string tokenHash, CancellationToken ct);

    Task<Session?> GetAsync(string tokenHash, CancellationToken ct);

    Task DeleteAsync(string tokenHash, CancellationToken ct);
}
