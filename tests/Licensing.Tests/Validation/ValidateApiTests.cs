using System.Net;
using System.Text.Json;
using Licensing.Domain.Signing;
using Licensing.Tests.Support;

namespace Licensing.Tests.Validation;

public sealed class ValidateApiTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<JsonElement> Validate(object body)
    {
        var r = await Host.PostAsync("v1/validate", body);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json;
    }

    [Fact]
    public async Task A_valid_key_answers_valid_with_the_license_and_revalidate_after()
    {
        var key = await Host.CreateAccountWithProductAsync();
        var l = await Host.IssueAsync(key);
        var v = await Validate(new
        {
            key = l.GetProperty("licenseKey").GetString(),
            domain = "https://WWW.customer-site.com:443/shop",
            features = new[] { "export" },
            productId = "my-plugin"
        });
        Assert.True(v.GetProperty("valid").GetBoolean());
        Assert.Equal("VALID", v.GetProperty("code").GetString());
        var license = v.GetProperty("license");
        foreach (var field in new[] { "id", "productId", "plan", "status", "features", "expiresAt", "maxActivations" })
            Assert.True(license.TryGetProperty(field, out _), field);
        Assert.Equal(l.GetProperty("licenseId").GetString(), license.GetProperty("id").GetString());
        Assert.True(DateTimeOffset.Parse(v.GetProperty("revalidateAfter").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Each_failure_code_over_http()
    {
        var key = await Host.CreateAccountWithProductAsync();
        // Lifetime: one slot, taken by customer-site.com, so another domain cannot auto-activate.
        var l = await Host.IssueAsync(key,
            new { productId = "my-plugin", customerEmail = "c@example.com", domains = new[] { "customer-site.com" }, plan = "lifetime" });
        var lk = l.GetProperty("licenseKey").GetString()!;
        var id = l.GetProperty("licenseId").GetString();

        Assert.Equal("PRODUCT_MISMATCH", (await Validate(new { key = lk, productId = "other" })).GetProperty("code").GetString());
        var mismatch = await Validate(new { key = lk, domain = "pirate-site.com" });
        Assert.Equal("DOMAIN_MISMATCH", mismatch.GetProperty("code").GetString());
        Assert.False(mismatch.GetProperty("valid").GetBoolean());
        Assert.False(mismatch.TryGetProperty("certificate", out _));
        Assert.Equal("FEATURE_NOT_ENTITLED", (await Validate(new { key = lk, features = new[] { "custom-branding" } })).GetProperty("code").GetString());

        await Host.PostAsync($"v1/licenses/{id}/suspend", null, key);
        Assert.Equal("SUSPENDED", (await Validate(new { key = lk, productId = "other" })).GetProperty("code").GetString());
        await Host.PostAsync($"v1/licenses/{id}/revoke", null, key);
        var revoked = await Validate(new { key = lk });
        Assert.Equal("REVOKED", revoked.GetProperty("code").GetString());
        Assert.Equal("revoked", revoked.GetProperty("license").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unknown_forged_and_malformed_keys_are_not_found_without_a_license()
    {
        var key = await Host.CreateAccountWithProductAsync();
        var lk = (await Host.IssueAsync(key)).GetProperty("licenseKey").GetString()!;
        using var other = Signers.NewLocal();
        var forged = await LicenseKey.IssueAsync(other, new LicenseKeyId("acct_0000000000000001", "lic_000000000000000000000001"), default);
        foreach (var bad in new[] { "nonsense", "", forged, lk[..^1] + (lk[^1] == 'A' ? 'B' : 'A') })
        {
            var v = await Validate(new { key = bad });
            Assert.Equal("NOT_FOUND", v.GetProperty("code").GetString());
            Assert.False(v.TryGetProperty("license", out _));
        }
    }

    [Fact]
    public async Task A_genuinely_signed_key_for_a_missing_license_is_not_found()
    {
        // Signed with the host's own root key but never stored (e.g. a deleted license).
        var signer = new Licensing.Functions.Signing.LocalRootSigner(TestHost.SigningKeyPath);
        var orphan = await LicenseKey.IssueAsync(signer, new LicenseKeyId("acct_00000000000000ff", "lic_0000000000000000000000ff"), default);
        Assert.Equal("NOT_FOUND", (await Validate(new { key = orphan })).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{}", "key")]
    [InlineData("{\"key\":5}", "key")]
    [InlineData("{\"key\":\"k\",\"domain\":\"not a domain\"}", "domain")]
    [InlineData("{\"key\":\"k\",\"features\":\"export\"}", "features")]
    [InlineData("{\"key\":\"k\",\"features\":[1]}", "features[0]")]
    public async Task A_malformed_request_is_a_400_not_a_verdict(string body, string field)
    {
        var json = (await Host.SendAsync(HttpMethod.Post, "v1/validate", rawBody: body)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
    }

    [Fact]
    public async Task Keys_publish_the_jwks_that_verifies_issued_keys()
    {
        var key = await Host.CreateAccountWithProductAsync();
        var lk = (await Host.IssueAsync(key)).GetProperty("licenseKey").GetString()!;
        var r = await Host.GetAsync("v1/keys");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        var all = r.Json.GetProperty("keys").EnumerateArray().ToArray();
        Assert.All(all, k =>
        {
            Assert.Equal("EC", k.GetProperty("kty").GetString());
            Assert.Equal("P-256", k.GetProperty("crv").GetString());
            Assert.Equal("ES256", k.GetProperty("alg").GetString());
            Assert.Equal("sig", k.GetProperty("use").GetString());
        });
        // License keys verify with the root keys only: the JWKs without a "dlg" member (docs/license-keys.md step 1).
        var roots = all.Where(k => !k.TryGetProperty("dlg", out _))
            .Select(k => new PublicJwk(k.GetProperty("kid").GetString()!, k.GetProperty("x").GetString()!, k.GetProperty("y").GetString()!)).ToArray();
        Assert.True(LicenseKey.TryVerify(lk, new KeyRing(roots), out _));
    }

    [Fact]
    public async Task Health_is_ok_when_storage_and_signing_are_up()
    {
        var r = await Host.GetAsync("v1/health");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("ok", r.Json.GetProperty("status").GetString());
    }
}

public sealed class ValidateExpiryTests
{
    [Fact]
    public async Task A_license_past_its_expiry_is_expired_until_renewed()
    {
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, queues: false);
        var key = await host.CreateAccountWithProductAsync();
        var l = await host.IssueAsync(key,
            new
            {
                productId = "my-plugin",
                customerEmail = "c@example.com",
                plan = "pro",
                expiresAt = Licensing.Functions.Http.Json.Format(clock.GetUtcNow().AddDays(2))
            });
        var lk = l.GetProperty("licenseKey").GetString();
        var id = l.GetProperty("licenseId").GetString();

        clock.Advance(TimeSpan.FromDays(3));
        var v = (await host.PostAsync("v1/validate", new { key = lk })).Json;
        Assert.Equal("EXPIRED", v.GetProperty("code").GetString());
        Assert.Equal("expired", v.GetProperty("license").GetProperty("status").GetString());
        Assert.Equal("expired", (await host.GetAsync($"v1/licenses/{id}", key)).Json.GetProperty("status").GetString());
        Assert.Equal(1, (await host.GetAsync("v1/licenses?status=expired", key)).Json.GetProperty("items").GetArrayLength());

        var renewed = await host.PostAsync($"v1/licenses/{id}/renew", new { expiresAt = Licensing.Functions.Http.Json.Format(clock.GetUtcNow().AddDays(30)) },
            key);
        Assert.Equal("active", renewed.Json.GetProperty("status").GetString());
        Assert.Equal("VALID", (await host.PostAsync("v1/validate", new { key = lk })).Json.GetProperty("code").GetString());
    }
}
