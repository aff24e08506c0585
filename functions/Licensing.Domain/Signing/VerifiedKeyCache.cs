using System.Collections.Concurrent;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Signing;

/// <summary>
/// License keys this instance has already verified, by the key's exact characters, so a repeat validation of the same
/// key skips the ES256 verify (≈ 55–90 µs, the largest cost of a validation served from memory). Only keys that
/// verified are held: a forged or malformed key costs one verify on every request and is never remembered. Entries
/// belong to the root key set they verified against: when <see cref="PublicKeyCache"/> loads a different set of root
/// keys (a key retired or added), the cache starts over. Memory is bounded: past <see cref="Capacity"/> entries
/// (≈ 450 bytes each) the cache starts over, so many distinct valid keys cost at most today's one verify each.
/// Not a <see cref="Common.TtlCache{TKey,TValue}"/>: a verified signature does not go stale with time, and a miss
/// (forgery) must not be stored.
/// </summary>
public sealed class VerifiedKeyCache(int capacity = VerifiedKeyCache.DefaultCapacity)
{
    public const int DefaultCapacity = 20_000;

    private volatile Generation _generation = new(KeyRing.Empty);
    private long _verifications;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Keys checked in full (cache misses: structure, low-S and the ECDSA verify); for tests and diagnostics.</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>Keys held now.</summary>
    public int Count => _generation.Entries.Count;

    /// <summary><see cref="LicenseKey.TryVerify"/>, answered from memory for a key that already verified against these root keys.</summary>
    public bool TryVerify(string? key, KeyRing ring, out LicenseKeyId id)
    {
        var verified = TryVerifyHot(key, ring, out var hot);
        id = verified ? hot!.Id : default;
        return verified;
    }

    /// <summary>As <see cref="TryVerify(string?, KeyRing, out LicenseKeyId)"/>, with the key's <see cref="HotLicense"/> (one per key held).</summary>
    public bool TryVerifyHot(string? key, KeyRing ring, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HotLicense? hot)
    {
        hot = null;
        if (key is null) return false;
        var generation = Current(ring);
        if (generation.Entries.TryGetValue(key, out hot)) return true;
        Interlocked.Increment(ref _verifications);
        if (!LicenseKey.TryVerify(key, ring, out var id)) return false;
        if (generation.Entries.Count >= Capacity) generation.Entries.Clear();
        hot = generation.Entries.GetOrAdd(key, new HotLicense(id));
        return true;
    }

    private Generation Current(KeyRing ring)
    {
        var generation = _generation;
        if (ReferenceEquals(generation.Ring, ring)) return generation;
        // A refresh that loaded the same root keys keeps what was verified; any other set starts over.
        var next = generation.Ring.Keys.SequenceEqual(ring.Keys) ? generation with { Ring = ring } : new Generation(ring);
        _generation = next;
        return next;
    }

    private sealed record Generation(KeyRing Ring)
    {
        public ConcurrentDictionary<string, HotLicense> Entries { get; init; } = new(StringComparer.Ordinal);
    }
}
