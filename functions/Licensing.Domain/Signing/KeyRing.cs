using System.Security.Cryptography;

namespace Licensing.Domain.Signing;

/// <summary>
/// The ROOT keys (the signer's public keys), ready to verify license keys and delegations, indexed by kid hint.
/// A delegated key never belongs here: its kid is in the delegated namespace (<see cref="Delegation.KidPrefix"/>),
/// which the constructor refuses, and the only ring the server verifies with is <see cref="PublicKeyCache"/>'s, built
/// from <see cref="IRootSigner.GetPublicKeysAsync"/> alone (docs/signing.md). Verification is CPU only; each thread
/// gets its own ECDsa instance per key because instance members are not documented as thread-safe.
/// </summary>
public sealed class KeyRing
{
    private readonly Entry[] _entries;

    public KeyRing(IReadOnlyList<PublicJwk> keys)
    {
        if (keys.FirstOrDefault(k => Delegation.IsDelegatedKid(k.Kid)) is { } delegated)
            throw new ArgumentException($"'{delegated.Kid}' is a delegated key; a key ring holds root keys only", nameof(keys));
        Keys = keys;
        _entries = keys.Select(k => new Entry(k)).ToArray();
    }

    public IReadOnlyList<PublicJwk> Keys { get; }

    public static KeyRing Empty { get; } = new([]);

    public bool Verify(ReadOnlySpan<byte> kidHint, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        foreach (var entry in _entries)
        {
            if (!entry.Hint.AsSpan().SequenceEqual(kidHint)) continue;
            if (entry.Ecdsa.Value!.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                return true;
        }
        return false;
    }

    public bool Contains(string kid) => _entries.Any(e => e.Jwk.Kid == kid);

    /// <summary>Verifies against the root key whose kid is exactly <paramref name="kid"/> (a delegation's header names it).</summary>
    public bool VerifyWithKid(string kid, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        foreach (var entry in _entries)
            if (entry.Jwk.Kid == kid)
                return entry.Ecdsa.Value!.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return false;
    }

    private sealed class Entry(PublicJwk jwk)
    {
        public PublicJwk Jwk { get; } = jwk;
        public byte[] Hint { get; } = LicenseKey.KidHint(jwk.Kid);
        public ThreadLocal<ECDsa> Ecdsa { get; } = new(() => ECDsa.Create(jwk.ToParameters()), trackAllValues: false);
    }
}
