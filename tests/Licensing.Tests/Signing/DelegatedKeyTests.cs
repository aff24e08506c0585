using System.Security.Cryptography;
using Licensing.Domain.Signing;
using Licensing.Tests.Support;

namespace Licensing.Tests.Signing;

public sealed class DelegatedKeyTests
{
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_delegated_key_rotates_daily_and_each_registration_carries_a_delegation_the_root_verifies()
    {
        var clock = new TestClock(Start);
        using var root = Signers.NewLocal();
        var registry = new InMemoryDelegatedKeyRegistry();
        var provider = new DelegatedKeyProvider(root, registry, clock);

        var first = await provider.GetAsync(default);
        Assert.Same(first, await provider.GetAsync(default));
        Assert.Same(first, provider.Latest);

        clock.Advance(TimeSpan.FromHours(25));
        var second = await provider.GetAsync(default);
        Assert.NotEqual(first.Kid, second.Kid);

        var rows = await registry.ListLiveAsync(clock.GetUtcNow(), default);
        Assert.Equal(new[] { first.Kid, second.Kid }.Order(), rows.Select(r => r.Jwk.Kid).Order());
        foreach (var row in rows)
        {
            var key = Delegation.Check(row, Signers.Ring(root), clock.GetUtcNow(), out var rejection);
            Assert.True(key is not null, rejection);
            Assert.Equal(row.Jwk, key.Key);
            Assert.Equal(root.Kid, key.RootKid);
            Assert.StartsWith(Delegation.KidPrefix, key.Key.Kid);
        }

        // Listed until every certificate it signed has expired, then no longer valid.
        var firstRow = rows.Single(r => r.Jwk.Kid == first.Kid);
        Assert.NotNull(Delegation.Check(firstRow, Signers.Ring(root), first.SignUntil + DelegatedKeyProvider.MaxCertificateLifetime - TimeSpan.FromSeconds(1),
            out _));
        Assert.Null(Delegation.Check(firstRow, Signers.Ring(root), first.PublishUntil, out var expired));
        Assert.Equal("the delegation has expired", expired);
    }

    [Fact]
    public async Task A_row_is_published_only_when_its_delegation_verifies_against_a_root_key_and_names_the_row()
    {
        var now = Start;
        using var root = Signers.NewLocal();
        using var otherRoot = Signers.NewLocal();
        var ring = Signers.Ring(root);
        var genuine = (await new DelegatedKeyProvider(root, new InMemoryDelegatedKeyRegistry(), new TestClock(now)).GetAsync(default)).Registration;
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var attackerJwk = PublicJwk.From(Delegation.KidPrefix + "0123456789abcdef", attacker.ExportParameters(false));
        var byOtherRoot = await Delegation.SignAsync(attackerJwk, now, now.AddDays(30), otherRoot, otherRoot.Kid, default);
        var forgedUnderRootKid = await Delegation.SignAsync(attackerJwk, now, now.AddDays(30), new ImpersonatingSigner(otherRoot), root.Kid, default);
        var nonDelegatedKid = attackerJwk with { Kid = "evil" };
        var outsideNamespace = await Delegation.SignAsync(nonDelegatedKid, now, now.AddDays(30), root, root.Kid, default);

        Assert.NotNull(Delegation.Check(genuine, ring, now, out _));
        Reject(genuine with { Delegation = null }, "no delegation");
        Reject(genuine with { Delegation = "not.a.jws" }, "the delegation is not a compact ES256 JWS");
        Reject(new DelegatedKeyRegistration(attackerJwk, byOtherRoot, now.AddDays(30)), "the delegation names no current root key");
        Reject(new DelegatedKeyRegistration(attackerJwk, forgedUnderRootKid, now.AddDays(30)),
            "the delegation's signature does not verify with the root key it names");
        Reject(new DelegatedKeyRegistration(nonDelegatedKid, outsideNamespace, now.AddDays(30)), "the delegation is for a kid outside the delegated namespace");
        // A genuine delegation copied onto the attacker's key, or onto another kid, certifies neither.
        Reject(genuine with { Jwk = genuine.Jwk with { X = attackerJwk.X, Y = attackerJwk.Y } },
            "the delegation certifies another kid or public key than the row's");
        Reject(genuine with { Jwk = genuine.Jwk with { Kid = attackerJwk.Kid } }, "the delegation certifies another kid or public key than the row's");
        // Outside its validity.
        Assert.Null(Delegation.Check(genuine, ring, now - Delegation.ClockSkew - TimeSpan.FromSeconds(1), out var early));
        Assert.Equal("the delegation is not valid yet", early);
        // Signed by a root key that is no longer current (a retired Key Vault version).
        Assert.Null(Delegation.Check(genuine, Signers.Ring(otherRoot), now, out var retired));
        Assert.Equal("the delegation names no current root key", retired);

        void Reject(DelegatedKeyRegistration row, string reason)
        {
            Assert.Null(Delegation.Check(row, ring, now, out var rejection));
            Assert.Equal(reason, rejection);
        }
    }

    [Fact]
    public void A_key_ring_holds_root_keys_only()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var delegated = PublicJwk.From(Delegation.KidPrefix + "0123456789abcdef", key.ExportParameters(false));
        Assert.Throws<ArgumentException>(() => new KeyRing([delegated]));
    }

    [Fact]
    public async Task A_certificate_never_outlives_its_license_or_its_key()
    {
        var clock = new TestClock(Start);
        using var root = Signers.NewLocal();
        var issuer = new CertificateIssuer(new DelegatedKeyProvider(root, new InMemoryDelegatedKeyRegistry(), clock), clock);
        var license = Licensing.Tests.Validation.ValidationRulesTests.Sample(expiresAt: clock.GetUtcNow().AddHours(5));
        var token = await issuer.IssueAsync(license, "a.com", null, clock.GetUtcNow().AddHours(5), Licensing.Domain.Products.PlanPolicy.Default, false,
            default);
        Assert.True(Jws.TryParse(token, out var header, out var payload, out _, out _));
        Assert.Equal(clock.GetUtcNow().AddHours(5).ToUnixTimeSeconds(), (long)payload["exp"]!);
        Assert.Equal("ES256", (string)header["alg"]!);
        Assert.Equal("a.com", (string)payload["domain"]!);
    }

    /// <summary>Signs with another key whatever kid it is asked for: a delegation that names the root key but is not its signature.</summary>
    private sealed class ImpersonatingSigner(Licensing.Functions.Signing.LocalRootSigner actual) : IRootSigner
    {
        public Task<string> GetCurrentKidAsync(CancellationToken cancellationToken) => actual.GetCurrentKidAsync(cancellationToken);
        public Task<Signature> SignDigestAsync(string kid, byte[] sha256Digest, CancellationToken cancellationToken) =>
            actual.SignDigestAsync(actual.Kid, sha256Digest, cancellationToken);
        public Task<IReadOnlyList<PublicJwk>> GetPublicKeysAsync(CancellationToken cancellationToken) => actual.GetPublicKeysAsync(cancellationToken);
    }
}
