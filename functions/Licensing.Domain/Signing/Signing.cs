using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Licensing.Domain.Signing;

/// <summary>A P-256 public key as published in the JWKS (RFC 7517), with its kid.</summary>
public sealed record PublicJwk(string Kid, string X, string Y)
{
    public const string KeyType = "EC";
    public const string Curve = "P-256";
    public const string Algorithm = "ES256";
    public const string Use = "sig";

    /// <summary>The JWK members of the contract, in its order: <c>kty crv x y kid alg use</c>.</summary>
    public JsonObject ToJson() => new() { ["kty"] = KeyType, ["crv"] = Curve, ["x"] = X, ["y"] = Y, ["kid"] = Kid, ["alg"] = Algorithm, ["use"] = Use };

    public ECParameters ToParameters() => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = Common.Base64Url.Decode(X), Y = Common.Base64Url.Decode(Y) },
    };

    public static PublicJwk From(string kid, ECParameters p) =>
        new(kid, Common.Base64Url.Encode(p.Q.X!), Common.Base64Url.Encode(p.Q.Y!));
}

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
