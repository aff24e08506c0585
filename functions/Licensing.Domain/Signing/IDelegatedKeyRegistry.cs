namespace Licensing.Domain.Signing;

/// <summary>
/// A delegated key as an instance registers it: its JWK, the root-signed delegation, and until when it is listed.
/// Read back from storage it is only a claim: anyone who can write the table can add one, so it is published only
/// when <see cref="Delegation.Check"/> accepts it.
/// </summary>
public sealed record DelegatedKeyRegistration(PublicJwk Jwk, string? Delegation, DateTimeOffset PublishUntil);

/// <summary>Where instances register their delegated public keys so every instance's <c>GET /v1/keys</c> lists them all.</summary>
public interface IDelegatedKeyRegistry
{
    Task UpsertAsync(DelegatedKeyRegistration key, CancellationToken ct);

    /// <summary>Every registration not yet past its publish-until: unverified rows, see <see cref="Delegation.Check"/>.</summary>
    Task<IReadOnlyList<DelegatedKeyRegistration>> ListLiveAsync(DateTimeOffset now, CancellationToken ct);
}
