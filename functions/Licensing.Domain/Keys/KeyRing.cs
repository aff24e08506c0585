using System.Security.Cryptography;

namespace Licensing.Domain.Keys;

/// <summary>
/// An immutable set of public keys ready to verify, indexed by kid hint. Verification is CPU only; each thread
/// gets its own ECDsa instance per key because instance members are not documented as thread-safe.
/// </summary>
public sealed class KeyRing
{
    private readonly Entry[] _entries;

    public KeyRing(IReadOnlyList<PublicJwk> keys)
    {
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

    /// <summary>Verifies against the key whose kid is exactly <paramref name="kid"/> (JWS certificates carry the kid).</summary>
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
