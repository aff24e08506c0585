using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Licensing.Domain.Keys;

/// <summary>A delegated key as published: its JWK, the root-signed delegation, and until when it is listed.</summary>
public sealed record PublishedDelegatedKey(PublicJwk Jwk, string Delegation, DateTimeOffset PublishUntil);

/// <summary>Where instances publish their delegated public keys so every instance's <c>GET /v1/keys</c> lists them all.</summary>
public interface IDelegatedKeyRegistry
{
    Task RegisterAsync(PublishedDelegatedKey key, CancellationToken ct);

    Task<IReadOnlyList<PublishedDelegatedKey>> ListLiveAsync(DateTimeOffset now, CancellationToken ct);
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
            var kid = "dlg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var jwk = PublicJwk.From(kid, key.ExportParameters(false));
            var signUntil = now + SigningLifetime;
            var publishUntil = signUntil + MaxCertificateLifetime;
            var rootKid = await root.GetCurrentKidAsync(ct).ConfigureAwait(false);
            var delegation = await Jws.SignWithRootAsync(
                new JsonObject { ["alg"] = "ES256", ["typ"] = "dlg+jwt", ["kid"] = rootKid },
                new JsonObject
                {
                    ["iss"] = Issuer,
                    ["sub"] = kid,
                    ["jwk"] = new JsonObject { ["kty"] = PublicJwk.KeyType, ["crv"] = PublicJwk.Curve, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = kid, ["alg"] = "ES256", ["use"] = "sig" },
                    ["iat"] = now.ToUnixTimeSeconds(),
                    ["nbf"] = now.ToUnixTimeSeconds(),
                    ["exp"] = publishUntil.ToUnixTimeSeconds(),
                },
                root, rootKid, ct).ConfigureAwait(false);
            await registry.RegisterAsync(new PublishedDelegatedKey(jwk, delegation, publishUntil), ct).ConfigureAwait(false);
            var current = new Current(kid, key, delegation, signUntil, publishUntil);
            _current = current;
            return current;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The signing key of this instance. Signing is serialised per key (ECDsa instances are not documented thread-safe).</summary>
    public sealed class Current(string kid, ECDsa key, string delegation, DateTimeOffset signUntil, DateTimeOffset publishUntil)
    {
        private readonly Lock _lock = new();

        /// <summary>The certificate header is the same for every certificate this key signs: encoded once.</summary>
        private readonly byte[] _encodedHeader = System.Text.Encoding.ASCII.GetBytes(Common.Base64Url.Encode(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = kid, ["dlg"] = delegation })));

        public string Kid { get; } = kid;
        public string Delegation { get; } = delegation;
        public DateTimeOffset SignUntil { get; } = signUntil;
        public DateTimeOffset PublishUntil { get; } = publishUntil;

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
            return string.Create(input.Length + 1 + System.Buffers.Text.Base64Url.GetEncodedLength(Es256.SignatureSize), (input, signature.ToArray()), static (chars, state) =>
            {
                for (var i = 0; i < state.input.Length; i++) chars[i] = (char)state.input[i];
                chars[state.input.Length] = '.';
                System.Buffers.Text.Base64Url.EncodeToChars(state.Item2, chars[(state.input.Length + 1)..]);
            });
        }
    }
}

/// <summary>
/// The JWKS of <c>GET /v1/keys</c>: the root keys (license keys, delegations) and every live delegated key
/// (certificates), the latter re-read from the registry at most every <see cref="RegistryTtl"/>.
/// </summary>
public sealed class JwksProvider(PublicKeyCache roots, IDelegatedKeyRegistry registry, TimeProvider clock)
{
    public static readonly TimeSpan RegistryTtl = TimeSpan.FromSeconds(30);
    private (IReadOnlyList<PublishedDelegatedKey> Keys, DateTimeOffset At)? _delegated;

    public async Task<IReadOnlyList<PublicJwk>> GetAsync(CancellationToken ct)
    {
        var ring = await roots.GetAsync(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (_delegated is not { } cached || now - cached.At > RegistryTtl)
        {
            cached = (await registry.ListLiveAsync(now, ct).ConfigureAwait(false), now);
            _delegated = cached;
        }
        return [.. ring.Keys, .. cached.Keys.Where(k => k.PublishUntil > now).Select(k => k.Jwk)];
    }

    /// <summary>Drops the cached delegated keys (an instance that just registered one lists it at once).</summary>
    public void Refresh() => _delegated = null;
}
