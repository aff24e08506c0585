using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Licensing.Client;
using Licensing.Domain.Signing;
using Licensing.Functions.Signing;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Signing;

/// <summary>
/// Write access to the <c>signingkeys</c> table is not key forgery: a row written straight into storage with an
/// attacker's key (with no delegation, or a fake one) is not published by <c>GET /v1/keys</c>, a license key signed
/// with that key is NOT_FOUND, and both SDKs refuse that key and any certificate it signs, even when the JWKS handed
/// to them lists the attacker's key as a plain JWK (as a JWKS with the row published would).
/// </summary>
public sealed class RegistryForgeryTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    public enum FakeDelegation { None, SelfSigned, NamingTheRootKey }

    public static TheoryData<FakeDelegation, bool> Attacks => new()
    {
        { FakeDelegation.None, false },
        { FakeDelegation.SelfSigned, false },
        { FakeDelegation.NamingTheRootKey, false },
        { FakeDelegation.NamingTheRootKey, true },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_row_written_straight_into_storage_forges_neither_keys_nor_certificates(FakeDelegation fake, bool rootKid)
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var genuine = await Host.IssueAsync(apiKey);
        var licenseId = genuine.GetProperty("licenseId").GetString()!;
        var genuineKey = genuine.GetProperty("licenseKey").GetString()!;
        var verdict = (await Host.PostAsync("v1/validate", new { key = genuineKey, domain = "customer-site.com" })).Json;
        var genuineCertificate = verdict.GetProperty("certificate").GetString()!;
        var root = RootKid(genuineCertificate);

        // The attacker's row: a kid in the delegated namespace (or the root key's own kid), their public key, a delegation.
        using var attacker = new AttackerSigner(rootKid ? root : "dlg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var delegation = fake switch
        {
            FakeDelegation.None => null,
            FakeDelegation.SelfSigned => await FakeDelegationAsync(attacker, attacker.Kid),
            _ => await FakeDelegationAsync(attacker, root),
        };
        var table = new TableClient(TestHost.Azurite, TableStorage.SigningKeysTable);
        var row = new TableEntity("delegated", attacker.Kid)
        {
            ["X"] = attacker.Jwk.X,
            ["Y"] = attacker.Jwk.Y,
            ["PublishUntil"] = DateTimeOffset.UtcNow.AddDays(30)
        };
        if (delegation is not null) row["Delegation"] = delegation;
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace);
        try
        {
            await ReloadJwksAsync();

            // 1. GET /v1/keys does not publish the attacker's key, neither as a root key nor as a delegated key.
            var keys = await Host.GetAsync("v1/keys");
            Assert.Equal(HttpStatusCode.OK, keys.Status);
            var published = keys.Json.GetProperty("keys").EnumerateArray().ToArray();
            Assert.DoesNotContain(published, k => k.GetProperty("x").GetString() == attacker.Jwk.X);
            Assert.Equal(published.Length, published.Select(k => k.GetProperty("kid").GetString()).Distinct().Count());

            // 2. A license key the attacker signs, naming a real license, is NOT_FOUND on the server.
            var forged = await LicenseKey.IssueAsync(attacker, new LicenseKeyId(accountId, licenseId), default);
            Assert.NotEqual(genuineKey, forged);
            var v = (await Host.PostAsync("v1/validate", new { key = forged, domain = "customer-site.com" })).Json;
            Assert.Equal("NOT_FOUND", v.GetProperty("code").GetString());
            Assert.False(v.TryGetProperty("license", out _));

            // 3. The SDKs refuse it even when their JWKS lists the attacker's key: as a plain JWK (as a server that
            //    published the row would), or as a delegated key carrying the fake delegation.
            var fakeProof = delegation ?? await FakeDelegationAsync(attacker, root);
            foreach (var poisoned in new[] { WithJwk(keys.Text, attacker.Jwk, null), WithJwk(keys.Text, attacker.Jwk, fakeProof) })
            {
                Assert.False(OfflineVerifier.TryVerifyKey(forged, Jwk.ParseSet(poisoned), out _));
                using (var client = Client(poisoned, new NoRequests()))
                    Assert.Equal("NOT_FOUND", (await client.ValidateAsync(forged)).Code);
                Assert.Null(OfflineVerifier.VerifyDelegation(fakeProof, Jwk.ParseSet(poisoned), DateTimeOffset.UtcNow));

                // 4. Certificates signed with the attacker's key are refused: through a fake chain, or with the
                //    attacker's key as the delegated key.
                var chain = await ForgedChainCertificateAsync(attacker, genuineCertificate);
                var direct = ForgedDirectCertificate(attacker, fakeProof, genuineCertificate);
                foreach (var certificate in new[] { chain, direct })
                {
                    Assert.Null(OfflineVerifier.VerifyCertificate(certificate, Jwk.ParseSet(poisoned), DateTimeOffset.UtcNow));
                    using var client = Client(poisoned, new Answers(certificate));
                    var state = await client.ValidateAsync(genuineKey, "customer-site.com");
                    Assert.False(state.IsValid);
                    // A kid listed twice verifies nothing (which key is genuine cannot be told): the key itself is refused first.
                    Assert.Equal(rootKid ? "NOT_FOUND" : "CERTIFICATE_INVALID", state.Code);
                }
            }

            // The genuine key and certificate still verify against what the server publishes.
            Assert.True(OfflineVerifier.TryVerifyKey(genuineKey, Jwk.ParseSet(keys.Text), out _));
            Assert.NotNull(OfflineVerifier.VerifyCertificate(genuineCertificate, Jwk.ParseSet(keys.Text), DateTimeOffset.UtcNow));
        }
        finally
        {
            await table.DeleteEntityAsync("delegated", attacker.Kid);
        }
    }

    [Fact]
    public async Task Delegated_keys_are_published_with_a_proof_that_verifies_against_a_root_key()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var key = (await Host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        Assert.Equal("VALID", (await Host.PostAsync("v1/validate", new { key })).Json.GetProperty("code").GetString());
        await ReloadJwksAsync();

        var text = (await Host.GetAsync("v1/keys")).Text;
        var published = JsonDocument.Parse(text).RootElement.GetProperty("keys").EnumerateArray().ToArray();
        var set = Jwk.ParseSet(text);
        Assert.Equal(published.Length, set.Count);
        Assert.Equal(published.Length, set.Select(k => k.Kid).Distinct().Count());

        // The JWKs without "dlg" are exactly the signer's root keys.
        var ring = await Host.Services.GetRequiredService<PublicKeyCache>().GetAsync(default);
        Assert.Equal(ring.Keys.Select(k => k.Kid).Order(), Jwk.RootKeys(set).Select(k => k.Kid).Order());

        // Every other JWK is a delegated key whose "dlg" verifies against a root key and certifies exactly that JWK.
        var delegated = set.Where(k => k.IsDelegated).ToArray();
        Assert.NotEmpty(delegated);
        Assert.All(delegated, k =>
        {
            Assert.StartsWith("dlg-", k.Kid);
            var proven = OfflineVerifier.VerifyDelegation(k.Delegation, set, DateTimeOffset.UtcNow);
            Assert.NotNull(proven);
            Assert.Equal((k.Kid, k.X, k.Y), (proven.Kid, proven.X, proven.Y));
        });
        Assert.All(published, k => Assert.Equal(["kty", "crv", "x", "y", "kid", "alg", "use"], k.EnumerateObject().Select(p => p.Name).Where(n => n != "dlg")));
    }

    /// <summary>Makes the host re-read the registry now (it otherwise does every 30 s, in the background).</summary>
    private Task ReloadJwksAsync() => Host.Services.GetRequiredService<JwksProvider>().RefreshAsync(default);

    private LicenseClient Client(string jwks, HttpMessageHandler handler) =>
        new(new LicenseClientOptions { BaseUrl = Host.BaseAddress, PinnedJwks = jwks, Handler = handler, Timeout = Patience.Bound });

    private static string RootKid(string certificate)
    {
        Assert.True(Jws.TryParse(certificate, out var header, out _, out _, out _));
        Assert.True(Jws.TryParse((string)header["dlg"]!, out var dlgHeader, out _, out _, out _));
        return (string)dlgHeader["kid"]!;
    }

    /// <summary>A delegation for the attacker's key, signed with the attacker's key, whose header names <paramref name="namedRootKid"/>.</summary>
    private static Task<string> FakeDelegationAsync(AttackerSigner attacker, string namedRootKid) =>
        Delegation.SignAsync(attacker.Jwk, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(30), attacker, namedRootKid, default);

    /// <summary>The genuine certificate's claims, moved to another domain, signed by a delegated key the attacker's key "delegated".</summary>
    private static async Task<string> ForgedChainCertificateAsync(AttackerSigner attacker, string genuine)
    {
        var provider = new DelegatedKeyProvider(attacker, new InMemoryDelegatedKeyRegistry(), TimeProvider.System);
        return (await provider.GetAsync(default)).SignCertificate(PirateClaims(genuine));
    }

    /// <summary>The genuine certificate's claims, moved to another domain, signed by the attacker's key with <paramref name="delegation"/> as its
    /// proof.</summary>
    private static string ForgedDirectCertificate(AttackerSigner attacker, string delegation, string genuine) =>
        new DelegatedKeyProvider.Current(attacker.Jwk, attacker.Key, delegation, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(30))
            .SignCertificate(PirateClaims(genuine));

    private static byte[] PirateClaims(string genuine)
    {
        Assert.True(Jws.TryParse(genuine, out _, out var claims, out _, out _));
        claims["domain"] = "pirate.example";
        return JsonSerializer.SerializeToUtf8Bytes(claims);
    }

    /// <summary>The JWKS with the attacker's key appended: a plain JWK, or one whose <c>dlg</c> member is <paramref name="delegation"/>.</summary>
    private static string WithJwk(string jwks, PublicJwk key, string? delegation)
    {
        var doc = JsonNode.Parse(jwks)!.AsObject();
        var jwk = key.ToJson();
        if (delegation is not null) jwk[KeysFunction.DelegationMember] = delegation;
        doc["keys"]!.AsArray().Add(jwk);
        return doc.ToJsonString();
    }

    /// <summary>The attacker's P-256 key behind the root-signer interface, so the server's own code formats what it signs.</summary>
    private sealed class AttackerSigner(string kid) : IRootSigner, IDisposable
    {
        public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public string Kid => kid;
        public PublicJwk Jwk => PublicJwk.From(kid, Key.ExportParameters(false));

        public Task<string> GetCurrentKidAsync(CancellationToken cancellationToken) => Task.FromResult(kid);

        /// <summary>Signs with the attacker's key whatever kid is asked for (that is the forgery).</summary>
        public Task<Licensing.Domain.Signing.Signature> SignDigestAsync(string requested, byte[] sha256Digest, CancellationToken cancellationToken) =>
            Task.FromResult(new Licensing.Domain.Signing.Signature(requested, Key.SignHash(sha256Digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));

        public Task<IReadOnlyList<PublicJwk>> GetPublicKeysAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<PublicJwk>>([Jwk]);

        public void Dispose() => Key.Dispose();
    }

    private sealed class NoRequests : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no request expected");
    }

    /// <summary>A server that answers VALID with the given certificate.</summary>
    private sealed class Answers(string certificate) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(JsonSerializer.Serialize(new { valid = true, code = "VALID", detail = "license is valid", certificate })),
            });
    }
}
