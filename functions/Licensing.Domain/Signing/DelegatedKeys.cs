using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Licensing.Domain.Signing;

/// <summary>
/// A delegated key as an instance registers it: its JWK, the root-signed delegation, and until when it is listed.
/// Read back from storage it is only a claim: anyone who can write the table can add one, so it is published only
/// when <see cref="Delegation.Check"/> accepts it.
/// </summary>
public sealed record DelegatedKeyRegistration(PublicJwk Jwk, string? Delegation, DateTimeOffset PublishUntil);

/// <summary>A delegated key whose delegation verified against the root key <paramref name="RootKid"/>: published with that proof.</summary>
public sealed record DelegatedJwk(PublicJwk Key, string Delegation, string RootKid, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>Inside the delegation's validity at <paramref name="now"/> (nbf with <see cref="Signing.Delegation.ClockSkew"/>, exp strict).</summary>
    public bool IsValidAt(DateTimeOffset now) => NotBefore - Signing.Delegation.ClockSkew <= now && now < NotAfter;
}

/// <summary>Where instances register their delegated public keys so every instance's <c>GET /v1/keys</c> lists them all.</summary>
public interface IDelegatedKeyRegistry
{
    Task UpsertAsync(DelegatedKeyRegistration key, CancellationToken ct);

    /// <summary>Every registration not yet past its publish-until: unverified rows, see <see cref="Delegation.Check"/>.</summary>
    Task<IReadOnlyList<DelegatedKeyRegistration>> ListLiveAsync(DateTimeOffset now, CancellationToken ct);
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

/// <summary>
/// Certificates are signed with a delegated P-256 key held in memory, never with the root key: no Key Vault call per
/// validation. Each instance creates its own delegated key, has the root key sign a delegation for it (one Key Vault
/// call a day), publishes it in the registry, and rotates it every <see cref="SigningLifetime"/>. A delegated key is
/// listed for <see cref="MaxCertificateLifetime"/> after it stops signing, so every certificate it signed stays
/// verifiable until it expires. docs/certificates.md describes the chain.
/// </summary>
public sealed class DelegatedKeyProvider(IRootSigner root, IDelegatedKeyRegistry registry, TimeProvider clock)
{
    public static readonly TimeSpan SigningLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan RenewBefore = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxCertificateLifetime = TimeSpan.FromDays(60);
    public const string Issuer = "urn:licensing";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Current? _current;

    /// <summary>The key this instance signs with, without creating one (null until the first is made).</summary>
    public Current? Latest => _current;

    /// <summary>The key to sign with now; creates (or rotates to) a new one when needed.</summary>
    public async ValueTask<Current> GetAsync(CancellationToken ct)
    {
        var current = _current;
        var now = clock.GetUtcNow();
        if (current is not null && now < current.SignUntil - RenewBefore) return current;
        if (current is not null && now < current.SignUntil)
        {
            _ = RotateInBackgroundAsync(); // keep signing with the current key while its successor is made
            return current;
        }
        return await RotateAsync(ct).ConfigureAwait(false);
    }

    private async Task RotateInBackgroundAsync()
    {
        try { await RotateAsync(CancellationToken.None).ConfigureAwait(false); }
        catch (Exception) { /* retried on the next request; the current key still signs until SignUntil */ }
    }

    private async Task<Current> RotateAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = clock.GetUtcNow();
            if (_current is { } fresh && now < fresh.SignUntil - RenewBefore) return fresh;
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var kid = Delegation.KidPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var jwk = PublicJwk.From(kid, key.ExportParameters(false));
            var signUntil = now + SigningLifetime;
            var publishUntil = signUntil + MaxCertificateLifetime;
            var rootKid = await root.GetCurrentKidAsync(ct).ConfigureAwait(false);
            var delegation = await Delegation.SignAsync(jwk, now, publishUntil, root, rootKid, ct).ConfigureAwait(false);
            await registry.UpsertAsync(new DelegatedKeyRegistration(jwk, delegation, publishUntil), ct).ConfigureAwait(false);
            var current = new Current(jwk, key, delegation, signUntil, publishUntil);
            _current = current;
            return current;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The signing key of this instance. Signing is serialised per key (ECDsa instances are not documented thread-safe).</summary>
    public sealed class Current(PublicJwk jwk, ECDsa key, string delegation, DateTimeOffset signUntil, DateTimeOffset publishUntil)
    {
        private readonly Lock _lock = new();

        /// <summary>The certificate header is the same for every certificate this key signs: encoded once.</summary>
        private readonly byte[] _encodedHeader = System.Text.Encoding.ASCII.GetBytes(Common.Base64Url.Encode(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                new JsonObject { ["alg"] = PublicJwk.Algorithm, ["typ"] = "JWT", ["kid"] = jwk.Kid, ["dlg"] = delegation })));

        public string Kid => Jwk.Kid;
        public PublicJwk Jwk { get; } = jwk;
        public string Delegation { get; } = delegation;
        public DateTimeOffset SignUntil { get; } = signUntil;
        public DateTimeOffset PublishUntil { get; } = publishUntil;

        /// <summary>This key as registered: what <c>GET /v1/keys</c> lists for it (once <see cref="Keys.Delegation.Check"/> accepts it).</summary>
        public DelegatedKeyRegistration Registration => new(Jwk, Delegation, PublishUntil);

        /// <summary>Signs a certificate: the cached header, <paramref name="payloadJson"/> (UTF-8 JSON), ES256.</summary>
        public string SignCertificate(ReadOnlySpan<byte> payloadJson)
        {
            var payloadLength = System.Buffers.Text.Base64Url.GetEncodedLength(payloadJson.Length);
            var input = new byte[_encodedHeader.Length + 1 + payloadLength];
            _encodedHeader.CopyTo(input, 0);
            input[_encodedHeader.Length] = (byte)'.';
            System.Buffers.Text.Base64Url.EncodeToUtf8(payloadJson, input.AsSpan(_encodedHeader.Length + 1));
            Span<byte> signature = stackalloc byte[Es256.SignatureSize];
            lock (_lock)
                key.SignData(input, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var length = input.Length + 1 + System.Buffers.Text.Base64Url.GetEncodedLength(Es256.SignatureSize);
            return string.Create(length, (input, signature.ToArray()), static (chars, state) =>
            {
                for (var i = 0; i < state.input.Length; i++) chars[i] = (char)state.input[i];
                chars[state.input.Length] = '.';
                System.Buffers.Text.Base64Url.EncodeToChars(state.Item2, chars[(state.input.Length + 1)..]);
            });
        }
    }
}
