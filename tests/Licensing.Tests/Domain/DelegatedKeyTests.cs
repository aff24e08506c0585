using Licensing.Domain.Keys;
using Licensing.Tests.Support;

namespace Licensing.Tests.Domain;

public sealed class DelegatedKeyTests
{
    [Fact]
    public async Task The_delegated_key_rotates_daily_and_old_keys_stay_published()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var root = Signers.NewLocal();
        var registry = new InMemoryDelegatedKeyRegistry();
        var provider = new DelegatedKeyProvider(root, registry, clock);
        var jwks = new JwksProvider(new PublicKeyCache(root, clock), registry, clock);

        var first = await provider.GetAsync(default);
        Assert.Same(first, await provider.GetAsync(default));

        clock.Advance(TimeSpan.FromHours(25));
        var second = await provider.GetAsync(default);
        Assert.NotEqual(first.Kid, second.Kid);

        var published = (await jwks.GetAsync(default)).Select(k => k.Kid).ToArray();
        Assert.Contains(first.Kid, published);
        Assert.Contains(second.Kid, published);
        Assert.Contains(root.Kid, published);

        clock.Advance(DelegatedKeyProvider.MaxCertificateLifetime);
        jwks.Refresh();
        Assert.DoesNotContain(first.Kid, (await jwks.GetAsync(default)).Select(k => k.Kid));
    }

    [Fact]
    public async Task A_certificate_never_outlives_its_license_or_its_key()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var root = Signers.NewLocal();
        var issuer = new CertificateIssuer(new DelegatedKeyProvider(root, new InMemoryDelegatedKeyRegistry(), clock), clock);
        var license = ValidationRulesTests.Sample(expiresAt: clock.GetUtcNow().AddHours(5));
        var token = await issuer.IssueAsync(license, "a.com", null, clock.GetUtcNow().AddHours(5), Licensing.Domain.Products.PlanPolicy.Default, false, default);
        Assert.True(Jws.TryParse(token, out var header, out var payload, out _, out _));
        Assert.Equal(clock.GetUtcNow().AddHours(5).ToUnixTimeSeconds(), (long)payload["exp"]!);
        Assert.Equal("ES256", (string)header["alg"]!);
        Assert.Equal("a.com", (string)payload["domain"]!);
    }
}
