using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Licensing.Domain.Signing;

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
