using Licensing.Domain.Common;

namespace Licensing.Domain.Signing;

/// <summary>
/// Certificate reuse on the validate path: a shipped product validates the same key for the same site again and again,
/// and within <see cref="Window"/> each repeat gets the certificate signed for the first (its <c>iat</c>, <c>rva</c>,
/// <c>exp</c> and <c>jti</c>), skipping the ES256 signature. An entry is keyed by everything a certificate's claims are
/// made of: the license and its stored version (ETag: any change to the license, its status, plan, features, expiry or
/// activations, is a new version), the domain or fingerprint, the development-host flag, the plan's offline grace, and
/// the delegated key that signed (a rotation is a new kid). A reused certificate must also carry the revalidation time
/// this request would get, give or take the window (so the quota's degraded mode, which stretches it, never reuses an
/// ordinary one). Nothing here decides a verdict: a certificate is only asked for once the rules say VALID, so a
/// suspension or revocation answers exactly as without reuse. Bounded: past <see cref="Capacity"/> entries (≈ 1.5 KB
/// each) the cache starts over. A window of zero turns reuse off.
/// </summary>
public sealed class CertificateCache(TimeProvider clock, TimeSpan window, int capacity = CertificateCache.DefaultCapacity)
{
    public const int DefaultCapacity = 20_000;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(60);

    private readonly TtlCache<CertificateCacheKey, IssuedCertificate> _entries = new(clock, window, capacity);
    private long _signed;

    public TimeSpan Window => _entries.Ttl;

    public int Capacity => _entries.Capacity;

    /// <summary>Certificates held now.</summary>
    public int Count => _entries.Count;

    /// <summary>Certificates signed because none could be reused; for tests and diagnostics.</summary>
    public long Signed => Interlocked.Read(ref _signed);

    /// <summary>
    /// The certificate signed for <paramref name="key"/> within the window, when its revalidation time is at most the window
    /// before <paramref name="revalidateAfter"/> (the one this request would get) and not after it.
    /// </summary>
    public bool TryGet(CertificateCacheKey key, DateTimeOffset revalidateAfter, out IssuedCertificate certificate) =>
        _entries.TryGet(key, out certificate) && Fits(certificate, revalidateAfter);

    /// <summary>
    /// As <see cref="TryGet(CertificateCacheKey, DateTimeOffset, out IssuedCertificate)"/>, first through the entries <paramref name="hot"/>
    /// kept for the same key (still held and within the window). An entry found otherwise is kept there when one of its
    /// <see cref="KeptPerKey"/> places is free or spent: a key validated from a few sites keeps each, and any more are looked up as before.
    /// </summary>
    public bool TryGet(CertificateCacheKey key, DateTimeOffset revalidateAfter, Licenses.HotLicense? hot, out IssuedCertificate certificate)
    {
        if (hot?.Certificates is { } places)
            foreach (var kept in places)
                if (kept is not null && kept.Key.Equals(key) && _entries.TryGet(kept.Entry, out certificate)) return Fits(certificate, revalidateAfter);
        if (!_entries.TryGet(key, out certificate, out var entry) || !Fits(certificate, revalidateAfter)) return false;
        Keep(hot, key, entry);
        return true;
    }

    /// <summary>Remembers a certificate just signed for <paramref name="key"/> (kept in <paramref name="hot"/> as <see cref="Keep"/> says).</summary>
    public void Add(CertificateCacheKey key, IssuedCertificate certificate, Licenses.HotLicense? hot = null)
    {
        Interlocked.Increment(ref _signed);
        _entries.Set(key, certificate);
        if (hot is not null) Keep(hot, key, _entries.Held(key));
    }

    /// <summary>Sites (domains or machines) whose certificates one key keeps at hand.</summary>
    public const int KeptPerKey = 4;

    /// <summary>
    /// Keeps <paramref name="entry"/> in <paramref name="hot"/>: in the place of the same key's older entry, else in a free place or one
    /// whose entry is spent; when every place holds another site's live entry, not at all.
    /// </summary>
    private void Keep(Licenses.HotLicense? hot, CertificateCacheKey key, TtlCache<CertificateCacheKey, IssuedCertificate>.Entry? entry)
    {
        if (hot is null || entry is null) return;
        var places = hot.Certificates ??= new Reused?[KeptPerKey];
        var place = -1;
        for (var i = 0; i < places.Length; i++)
        {
            var kept = places[i];
            if (kept is not null && kept.Key.Equals(key))
            {
                place = i;
                break;
            }
            if (place < 0 && (kept is null || !_entries.TryGet(kept.Entry, out _))) place = i;
        }
        if (place >= 0) places[place] = new Reused(key, entry);
    }

    private bool Fits(IssuedCertificate certificate, DateTimeOffset revalidateAfter) =>
        certificate.RevalidateAfter <= revalidateAfter && revalidateAfter - certificate.RevalidateAfter <= Window;

    /// <summary>A certificate's entry and the key it was made for, as a <see cref="Licenses.HotLicense"/> keeps it.</summary>
    public sealed record Reused(CertificateCacheKey Key, TtlCache<CertificateCacheKey, IssuedCertificate>.Entry Entry);
}

/// <summary>What a certificate's claims are made of, besides the times (see <see cref="CertificateCache"/>).</summary>
public readonly record struct CertificateCacheKey(string AccountId, string LicenseId, string Version, string? Domain, string? Fingerprint,
    bool Development, int OfflineGraceHours, string Kid)
{
    /// <summary>
    /// The license and the site or machine tell entries apart; the other fields are compared by <c>Equals</c> but rarely differ
    /// between entries, so they are left out of the hash (fewer strings hashed on every validation).
    /// </summary>
    public override int GetHashCode() => HashCode.Combine(LicenseId, Domain, Fingerprint);
}

/// <summary>A signed certificate and the revalidation time (<c>rva</c>) it carries.</summary>
public sealed record IssuedCertificate(string Token, DateTimeOffset RevalidateAfter)
{
    /// <summary>
    /// The host's last answer carrying this certificate (its serialized bytes and what they were made of), kept with the certificate so
    /// a repeat that reuses it can write the same bytes again; it lives and goes with the certificate's reuse entry.
    /// </summary>
    public object? Answer { get; set; }
}
