using System.Text.Json.Nodes;

namespace Licensing.Domain.Signing;

/// <summary>A delegated key whose delegation verified against the root key <paramref name="RootKid"/>: published with that proof.</summary>
public sealed record DelegatedJwk(PublicJwk Key, string Delegation, string RootKid, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>Inside the delegation's validity at <paramref name="now"/> (nbf with <see cref="Signing.Delegation.ClockSkew"/>, exp strict).</summary>
    public bool IsValidAt(DateTimeOffset now) => NotBefore - Signing.Delegation.ClockSkew <= now && now < NotAfter;
}

/// <summary>
/// The delegation of a delegated key (docs/certificates.md): a compact JWS signed ES256 by a root key,
/// header <c>{alg ES256, typ dlg+jwt, kid &lt;root kid&gt;}</c>, claims <c>{iss, sub &lt;delegated kid&gt;, jwk, iat, nbf, exp}</c>.
/// The one place that makes one and checks one.
/// </summary>
public static class Delegation
{
    public const string Type = "dlg+jwt";

    /// <summary>Every delegated kid starts with this; no root kid does (<see cref="KeyRing"/> refuses one).</summary>
    public const string KidPrefix = "dlg-";

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static bool IsDelegatedKid(string kid) => kid.StartsWith(KidPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Has <paramref name="root"/> sign the delegation of <paramref name="key"/>, valid from <paramref name="now"/> until <paramref name="notAfter"/>.
    /// </summary>
    public static Task<string> SignAsync(PublicJwk key, DateTimeOffset now, DateTimeOffset notAfter, IRootSigner root, string rootKid, CancellationToken ct) =>
        Jws.SignWithRootAsync(
            new JsonObject { ["alg"] = PublicJwk.Algorithm, ["typ"] = Type, ["kid"] = rootKid },
            new JsonObject
            {
                ["iss"] = DelegatedKeyProvider.Issuer,
                ["sub"] = key.Kid,
                ["jwk"] = key.ToJson(),
                ["iat"] = now.ToUnixTimeSeconds(),
                ["nbf"] = now.ToUnixTimeSeconds(),
                ["exp"] = notAfter.ToUnixTimeSeconds(),
            },
            root, rootKid, ct);

    /// <summary>
    /// The delegated key a delegation certifies, or null with the reason (no secrets: a fact about the token). It must be
    /// an ES256 JWS of type <see cref="Type"/>, signed (low-S) by the root key of <paramref name="roots"/> its header
    /// names, issued by <see cref="DelegatedKeyProvider.Issuer"/>, for a kid in the delegated namespace equal to its
    /// P-256 <c>jwk</c>'s kid, and valid at <paramref name="now"/>.
    /// </summary>
    public static DelegatedJwk? Verify(string? token, KeyRing roots, DateTimeOffset now, out string? rejection)
    {
        rejection = Why(token, roots, now, out var key);
        return key;
    }

    /// <summary>
    /// A registry row is published only when its delegation verifies (<see cref="Verify"/>) and certifies exactly the
    /// row's kid and public key; anything else in the table is ignored.
    /// </summary>
    public static DelegatedJwk? Check(DelegatedKeyRegistration row, KeyRing roots, DateTimeOffset now, out string? rejection)
    {
        var key = Verify(row.Delegation, roots, now, out rejection);
        if (key is not null && key.Key != row.Jwk)
        {
            rejection = "the delegation certifies another kid or public key than the row's";
            return null;
        }
        return key;
    }

    private static string? Why(string? token, KeyRing roots, DateTimeOffset now, out DelegatedJwk? key)
    {
        key = null;
        if (token is null) return "no delegation";
        if (!Jws.TryParse(token, out var header, out var claims, out var input, out var signature)) return "the delegation is not a compact ES256 JWS";
        if (Text(header, "alg") != PublicJwk.Algorithm || Text(header, "typ") != Type) return "not a delegation (alg or typ)";
        if (Text(header, "kid") is not { } rootKid || !roots.Contains(rootKid)) return "the delegation names no current root key";
        if (!Es256.IsLowS(signature) || !roots.VerifyWithKid(rootKid, input, signature))
            return "the delegation's signature does not verify with the root key it names";
        if (Text(claims, "iss") != DelegatedKeyProvider.Issuer) return "the delegation has another issuer";
        if (Text(claims, "sub") is not { } kid || !IsDelegatedKid(kid)) return "the delegation is for a kid outside the delegated namespace";
        if (claims["jwk"] is not JsonObject jwk || Text(jwk, "kty") != PublicJwk.KeyType || Text(jwk, "crv") != PublicJwk.Curve
            || Text(jwk, "kid") != kid || Text(jwk, "x") is not { } x || Text(jwk, "y") is not { } y)
            return "the delegation's jwk is not the P-256 key of its sub";
        if (Seconds(claims, "nbf") is not { } nbf || Seconds(claims, "exp") is not { } exp) return "the delegation has no validity (nbf, exp)";
        var candidate = new DelegatedJwk(new PublicJwk(kid, x, y), token, rootKid, nbf, exp);
        if (!candidate.IsValidAt(now)) return now < nbf ? "the delegation is not valid yet" : "the delegation has expired";
        key = candidate;
        return null;
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static DateTimeOffset? Seconds(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<long>(out var s) && s is >= 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
}
