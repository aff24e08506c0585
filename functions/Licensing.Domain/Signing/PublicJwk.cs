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
