using System.Security.Cryptography;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Signing;

/// <summary>
/// Signs the certificate returned with a VALID verdict: a compact JWS (ES256) a client keeps for offline grace and
/// periodic re-validation. Claims: iss, sub (license id), pid, plan, status, features, domain or fingerprint,
/// lexp (license expiry, or null), rva (revalidate after), iat, nbf, exp, jti, and dev (true, only on a certificate
/// issued for a development or staging host, so a product can restrict what it unlocks there), and trial (true, only on a
/// certificate of a trial license, docs/trials.md). The header carries the delegated
/// key's kid and its root-signed delegation (<c>dlg</c>) so a client holding only the root JWKS can check the chain.
/// </summary>
public sealed class CertificateIssuer(DelegatedKeyProvider keys, TimeProvider clock, CertificateCache? reuse = null)
{
    /// <summary>A freshly signed certificate (activation: the license has just changed).</summary>
    public async ValueTask<string> IssueAsync(License license, string? domain, string? fingerprint, DateTimeOffset revalidateAfter, PlanPolicy policy,
        bool development, CancellationToken ct)
    {
        var key = await keys.GetAsync(ct).ConfigureAwait(false);
        return Sign(key, license, domain, fingerprint, revalidateAfter, policy, development);
    }

    /// <summary>
    /// Validation: the certificate this instance signed for the same license version, site and key within the reuse
    /// window (<see cref="CertificateCache"/>), else a new one. The answer's revalidation time is the certificate's.
    /// </summary>
    public async ValueTask<IssuedCertificate> ReuseOrIssueAsync(License license, string? domain, string? fingerprint, DateTimeOffset revalidateAfter,
        PlanPolicy policy, bool development, CancellationToken ct, HotLicense? hot = null)
    {
        var key = await keys.GetAsync(ct).ConfigureAwait(false);
        CertificateCacheKey? cacheKey = reuse is null || reuse.Window <= TimeSpan.Zero || license.Version is null ? null
            : new(license.AccountId, license.Id, license.Version, domain, fingerprint, development, policy.OfflineGraceHours, key.Kid);
        if (cacheKey is { } k && reuse!.TryGet(k, revalidateAfter, hot, out var reused)) return reused;
        var issued = new IssuedCertificate(Sign(key, license, domain, fingerprint, revalidateAfter, policy, development), revalidateAfter);
        if (cacheKey is { } added) reuse!.Add(added, issued, hot);
        return issued;
    }

    private string Sign(DelegatedKeyProvider.Current key, License license, string? domain, string? fingerprint, DateTimeOffset revalidateAfter,
        PlanPolicy policy, bool development)
    {
        var now = clock.GetUtcNow();
        var exp = revalidateAfter + TimeSpan.FromHours(policy.OfflineGraceHours);
        if (license.ExpiresAt is { } e && e < exp) exp = e;
        if (key.PublishUntil < exp) exp = key.PublishUntil;

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("iss", DelegatedKeyProvider.Issuer);
            json.WriteString("sub", license.Id);
            json.WriteString("pid", license.ProductId);
            json.WriteString("plan", license.Plan);
            json.WriteString("status", "active");
            json.WriteStartArray("features");
            foreach (var feature in license.Features) json.WriteStringValue(feature);
            json.WriteEndArray();
            if (domain is not null) json.WriteString("domain", domain);
            if (fingerprint is not null) json.WriteString("fingerprint", fingerprint);
            if (development) json.WriteBoolean("dev", true);
            if (license.Trial) json.WriteBoolean("trial", true);
            if (license.ExpiresAt is { } lexp) json.WriteNumber("lexp", lexp.ToUnixTimeSeconds());
            else json.WriteNull("lexp");
            json.WriteNumber("rva", revalidateAfter.ToUnixTimeSeconds());
            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            json.WriteNumber("nbf", now.ToUnixTimeSeconds());
            json.WriteNumber("exp", exp.ToUnixTimeSeconds());
            Span<byte> jti = stackalloc byte[12];
            RandomNumberGenerator.Fill(jti);
            json.WriteString("jti", Convert.ToHexStringLower(jti));
            json.WriteEndObject();
        }
        return key.SignCertificate(buffer.WrittenSpan);
    }
}
