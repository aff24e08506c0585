namespace Licensing.Domain.Signing;

/// <summary>A raw ES256 signature (R||S, 64 bytes) and the kid of the key that made it.</summary>
public sealed record Signature(string Kid, byte[] Value);

/// <summary>
/// The root signing key: Azure Key Vault in production, a local P-256 key for local runs. Signs SHA-256
/// digests (Key Vault's ES256 contract) and lists every public key that may have signed something still live.
/// </summary>
public interface IRootSigner
{
    /// <summary>The kid of the key version that signs now (Key Vault: the key's current version).</summary>
    Task<string> GetCurrentKidAsync(CancellationToken cancellationToken);

    /// <summary>Signs a SHA-256 digest with exactly the key version named by <paramref name="kid"/>.</summary>
    Task<Signature> SignDigestAsync(string kid, byte[] sha256Digest, CancellationToken cancellationToken);

    /// <summary>All public keys that verify live keys, newest first. Cached by callers; not for the hot path.</summary>
    Task<IReadOnlyList<PublicJwk>> GetPublicKeysAsync(CancellationToken cancellationToken);
}
