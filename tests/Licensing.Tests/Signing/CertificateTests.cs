using System.Text.Json;
using Licensing.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Licensing.Tests.Signing;

/// <summary>
/// Certificates checked with Microsoft.IdentityModel (a JWT library nobody here wrote) against the published JWKS,
/// and the delegation chain checked against the root keys alone.
/// </summary>
public sealed class CertificateTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<(JsonElement Verdict, string Jwks)> ValidAsync(object? extra = null)
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var lk = (await Host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();
        var v = (await Host.PostAsync("v1/validate", new { key = lk, domain = "customer-site.com" })).Json;
        Assert.Equal("VALID", v.GetProperty("code").GetString());
        return (v, (await Host.GetAsync("v1/keys")).Text);
    }

    internal static Task<TokenValidationResult> Check(string token, string jwks, string? issuer = "urn:licensing") =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateAudience = false,
            ValidateLifetime = true,
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ClockSkew = TimeSpan.Zero,
        });

    [Fact]
    public async Task A_certificate_verifies_against_the_jwks_with_the_contract_claims()
    {
        var (v, jwks) = await ValidAsync();
        var certificate = v.GetProperty("certificate").GetString()!;
        var result = await Check(certificate, jwks);
        Assert.True(result.IsValid, result.Exception?.ToString());

        var token = new JsonWebToken(certificate);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal(v.GetProperty("license").GetProperty("id").GetString(), token.Subject);
        Assert.Equal("customer-site.com", token.GetClaim("domain").Value);
        Assert.Equal(["analytics", "export"], token.Claims.Where(c => c.Type == "features").Select(c => c.Value));
        var revalidateAfter = DateTimeOffset.Parse(v.GetProperty("revalidateAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var exp = DateTimeOffset.FromUnixTimeSeconds(token.GetPayloadValue<long>("exp"));
        Assert.True(exp >= revalidateAfter.AddHours(24), "exp covers revalidateAfter plus the offline grace");
        Assert.Equal(revalidateAfter.ToUnixTimeSeconds(), token.GetPayloadValue<long>("rva"));
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds(token.GetPayloadValue<long>("iat")), DateTimeOffset.UtcNow.AddMinutes(-5),
            DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task A_tampered_certificate_fails()
    {
        var (v, jwks) = await ValidAsync();
        var parts = v.GetProperty("certificate").GetString()!.Split('.');
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(parts[1])).RootElement.GetRawText().Replace("customer-site.com", "pirate-site.com",
            StringComparison.Ordinal);
        var forged = parts[0] + "." + Base64UrlEncoder.Encode(payload) + "." + parts[2];
        Assert.False((await Check(forged, jwks)).IsValid);
        var flipped = parts[0] + "." + parts[1] + "." + (parts[2][0] == 'A' ? 'B' : 'A') + parts[2][1..];
        Assert.False((await Check(flipped, jwks)).IsValid);
    }

    [Fact]
    public async Task The_delegated_key_is_certified_by_the_root_key()
    {
        var (v, jwks) = await ValidAsync();
        var certificate = new JsonWebToken(v.GetProperty("certificate").GetString()!);
        Assert.True(certificate.TryGetHeaderValue<string>("dlg", out var delegation));

        // Only the root keys: the delegation must verify with them.
        var keys = JsonDocument.Parse(jwks).RootElement.GetProperty("keys").EnumerateArray().ToArray();
        var roots = "{\"keys\":["
            + string.Join(",", keys.Where(k => !k.GetProperty("kid").GetString()!.StartsWith("dlg-", StringComparison.Ordinal)).Select(k => k.GetRawText()))
                + "]}";
        var chain = await Check(delegation, roots);
        Assert.True(chain.IsValid, chain.Exception?.ToString());

        // The delegation names the key that signed the certificate; verifying with that key alone succeeds.
        var delegated = new JsonWebToken(delegation);
        Assert.Equal(certificate.Kid, delegated.Subject);
        var jwk = JsonDocument.Parse(Base64UrlEncoder.Decode(delegation.Split('.')[1])).RootElement.GetProperty("jwk").GetRawText();
        Assert.True((await Check(v.GetProperty("certificate").GetString()!, "{\"keys\":[" + jwk + "]}")).IsValid);
        Assert.False((await Check(v.GetProperty("certificate").GetString()!, roots)).IsValid);
    }

    [Fact]
    public async Task Activate_returns_a_certificate_too_and_failures_carry_none()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var lk = (await Host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();
        var a = (await Host.PostAsync("v1/activate", new { key = lk, fingerprint = "machine-1" })).Json;
        var result = await Check(a.GetProperty("certificate").GetString()!, (await Host.GetAsync("v1/keys")).Text);
        Assert.True(result.IsValid);
        Assert.Equal("machine-1", ((JsonWebToken)result.SecurityToken).GetClaim("fingerprint").Value);
        var failed = (await Host.PostAsync("v1/validate", new { key = lk, features = new[] { "nope" } })).Json;
        Assert.False(failed.TryGetProperty("certificate", out _));
    }

    [Fact]
    public async Task A_certificate_for_a_development_host_says_so_and_one_for_a_real_site_does_not()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var lk = (await Host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();
        var jwks = (await Host.GetAsync("v1/keys")).Text;
        async Task<JsonWebToken> CertificateFor(string path, string domain)
        {
            var r = (await Host.PostAsync(path, new { key = lk, domain })).Json;
            var result = await Check(r.GetProperty("certificate").GetString()!, jwks);
            Assert.True(result.IsValid, result.Exception?.ToString());
            return (JsonWebToken)result.SecurityToken;
        }

        foreach (var path in new[] { "v1/validate", "v1/activate" })
        {
            var dev = await CertificateFor(path, "staging.customer-site.com");
            Assert.True(dev.GetPayloadValue<bool>("dev"));
            Assert.Equal("staging.customer-site.com", dev.GetClaim("domain").Value);
            Assert.False((await CertificateFor(path, "customer-site.com")).TryGetPayloadValue<bool>("dev", out _));
        }

        // A development-named host that a paid activation covers is a site like any other.
        var agency = (await Host.IssueAsync(apiKey,
            new
            {
                productId = "my-plugin",
                customerEmail = "c@example.com",
                plan = "pro",
                domains = new[] { "*.agency.com" }
            })).GetProperty("licenseKey").GetString();
        var covered = (await Host.PostAsync("v1/validate", new { key = agency, domain = "staging.client.agency.com" })).Json;
        Assert.False(new JsonWebToken(covered.GetProperty("certificate").GetString()!).TryGetPayloadValue<bool>("dev", out _));
    }
}
