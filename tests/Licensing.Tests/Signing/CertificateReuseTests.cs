using Licensing.Domain.Products;
using Licensing.Domain.Signing;
using Licensing.Functions.Signing;
using Licensing.Tests.Support;
using Licensing.Tests.Validation;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Licensing.Tests.Signing;

/// <summary>
/// Certificate reuse in <see cref="CertificateIssuer.ReuseOrIssueAsync"/>: the same license version, site and delegated
/// key within the window get the first certificate; a new version, another site, a rotated key, the end of the window
/// or a revalidation time that does not fit get a new one; the cache stays within its bound.
/// </summary>
public sealed class CertificateReuseTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly LocalRootSigner _signer = Signers.NewLocal();
    private readonly TestClock _clock = new(Start);

    private (CertificateIssuer Issuer, CertificateCache Cache) Issuer(TimeSpan window, int capacity = CertificateCache.DefaultCapacity)
    {
        var cache = new CertificateCache(_clock, window, capacity);
        return (new CertificateIssuer(new DelegatedKeyProvider(_signer, new InMemoryDelegatedKeyRegistry(), _clock), _clock, cache), cache);
    }

    private static Licensing.Domain.Licenses.License License(string version = "v1") =>
        ValidationRulesTests.Sample(domains: "customer-site.com") with { Version = version, ExpiresAt = Start.AddDays(300) };

    private DateTimeOffset Rva => _clock.GetUtcNow().AddHours(72);

    private static long Iat(string token) => new JsonWebToken(token).GetPayloadValue<long>("iat");

    [Fact]
    public async Task The_same_license_version_and_site_within_the_window_get_the_first_certificate()
    {
        var (issuer, cache) = Issuer(TimeSpan.FromSeconds(60));
        var first = await issuer.ReuseOrIssueAsync(License(), "customer-site.com", null, Rva, PlanPolicy.Default, false, default);
        _clock.Advance(TimeSpan.FromSeconds(59));
        var again = await issuer.ReuseOrIssueAsync(License(), "customer-site.com", null, Rva, PlanPolicy.Default, false, default);
        Assert.Equal(first, again);
        Assert.Equal(Start.ToUnixTimeSeconds(), Iat(again.Token));
        Assert.Equal(1, cache.Signed);

        // Past the window: a new certificate with its own iat.
        _clock.Advance(TimeSpan.FromSeconds(2));
        var later = await issuer.ReuseOrIssueAsync(License(), "customer-site.com", null, Rva, PlanPolicy.Default, false, default);
        Assert.NotEqual(first.Token, later.Token);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), Iat(later.Token));
        Assert.Equal(Rva, later.RevalidateAfter);
    }

    [Fact]
    public async Task A_new_license_version_another_site_or_other_terms_get_a_new_certificate()
    {
        var (issuer, cache) = Issuer(TimeSpan.FromSeconds(60));
        var rva = Rva;
        var first = (await issuer.ReuseOrIssueAsync(License("v1"), "customer-site.com", null, rva, PlanPolicy.Default, false, default)).Token;
        var others = new[]
        {
            await issuer.ReuseOrIssueAsync(License("v2"), "customer-site.com", null, rva, PlanPolicy.Default, false, default),
            await issuer.ReuseOrIssueAsync(License("v1"), "other-site.com", null, rva, PlanPolicy.Default, false, default),
            await issuer.ReuseOrIssueAsync(License("v1"), null, "machine-1", rva, PlanPolicy.Default, false, default),
            await issuer.ReuseOrIssueAsync(License("v1"), "customer-site.com", null, rva, PlanPolicy.Default, true, default),
            await issuer.ReuseOrIssueAsync(License("v1"), "customer-site.com", null, rva, PlanPolicy.Default with { OfflineGraceHours = 24 }, false, default),
            // The quota's degraded mode stretches revalidation: an ordinary certificate is not handed out for it.
            await issuer.ReuseOrIssueAsync(License("v1"), "customer-site.com", null, rva.AddHours(100), PlanPolicy.Default, false, default),
        };
        Assert.Equal(7, others.Append(new IssuedCertificate(first, rva)).Select(c => c.Token).Distinct().Count());
        Assert.Equal(7, cache.Signed);
        Assert.Equal(rva.AddHours(100), others[^1].RevalidateAfter);

        // A license without a stored version (not read from storage) is never reused.
        var unversioned = License() with { Version = null };
        var a = await issuer.ReuseOrIssueAsync(unversioned, "customer-site.com", null, rva, PlanPolicy.Default, false, default);
        var b = await issuer.ReuseOrIssueAsync(unversioned, "customer-site.com", null, rva, PlanPolicy.Default, false, default);
        Assert.NotEqual(a.Token, b.Token);
    }

    [Fact]
    public async Task A_rotated_delegated_key_invalidates_the_certificate()
    {
        // A window longer than the key's life, so only the rotation can explain a new certificate.
        var (issuer, _) = Issuer(TimeSpan.FromDays(3));
        var rva = Start.AddDays(2);
        var first = await issuer.ReuseOrIssueAsync(License(), "customer-site.com", null, rva, PlanPolicy.Default, false, default);
        Assert.Equal(first, await issuer.ReuseOrIssueAsync(License(), "customer-site.com", null, rva, PlanPolicy.Default, false, default));
        _clock.Advance(DelegatedKeyProvider.SigningLifetime + TimeSpan.FromMinutes(1));
        var rotated = await issuer.ReuseOrIssueAsync(License(), "customer-site.com", null, rva, PlanPolicy.Default, false, default);
        Assert.NotEqual(new JsonWebToken(first.Token).Kid, new JsonWebToken(rotated.Token).Kid);
        Assert.NotEqual(first.Token, rotated.Token);
    }

    [Fact]
    public async Task Reuse_off_or_the_bound_reached_still_signs_correctly()
    {
        var (off, offCache) = Issuer(TimeSpan.Zero);
        var rva = Rva;
        var x = await off.ReuseOrIssueAsync(License(), "customer-site.com", null, rva, PlanPolicy.Default, false, default);
        var y = await off.ReuseOrIssueAsync(License(), "customer-site.com", null, rva, PlanPolicy.Default, false, default);
        Assert.NotEqual(x.Token, y.Token);
        Assert.Equal(0, offCache.Signed);

        var (bounded, cache) = Issuer(TimeSpan.FromSeconds(60), capacity: 3);
        var sites = Enumerable.Range(0, 10).Select(i => $"site{i}.example.com").ToArray();
        foreach (var site in sites)
        {
            var issued = await bounded.ReuseOrIssueAsync(License(), site, null, rva, PlanPolicy.Default, false, default);
            Assert.Equal(site, new JsonWebToken(issued.Token).GetClaim("domain").Value);
            Assert.InRange(cache.Count, 1, 3);
        }
        Assert.Equal(10, cache.Signed);
        // The last site is held (the cache started over when full rather than refusing): its repeat is reused.
        var last = await bounded.ReuseOrIssueAsync(License(), sites[^1], null, rva, PlanPolicy.Default, false, default);
        Assert.Equal(10, cache.Signed);
        Assert.Equal(sites[^1], new JsonWebToken(last.Token).GetClaim("domain").Value);
    }

    public void Dispose() => _signer.Dispose();
}
