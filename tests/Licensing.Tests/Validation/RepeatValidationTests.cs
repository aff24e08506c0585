using System.Text.Json;
using Licensing.Domain.Signing;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Licensing.Tests.Validation;

/// <summary>
/// A shipped product validating the same key for the same site again and again, over HTTP: the repeat skips the key's
/// ES256 verify (counted through <see cref="VerifiedKeyCache.Verifications"/>) and gets the first certificate back;
/// forged keys are checked every time; a change to the license gets a new certificate; suspension and revocation
/// answer exactly within the documented bound, whatever the certificate window.
/// </summary>
public sealed class RepeatValidationTests
{
    private static async Task<JsonElement> ValidateAsync(TestHost host, string? key, string domain = "customer-site.com") =>
        (await host.PostAsync("v1/validate", new { key, domain })).Json;

    private static string Certificate(JsonElement verdict) => verdict.GetProperty("certificate").GetString()!;

    private static (VerifiedKeyCache Keys, CertificateCache Certificates) Caches(TestHost host) =>
        (host.Services.GetRequiredService<VerifiedKeyCache>(), host.Services.GetRequiredService<CertificateCache>());

    [Fact]
    public async Task A_repeat_validation_skips_the_verify_and_gets_the_first_certificate_until_the_window_ends()
    {
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock);
        var (keys, certificates) = Caches(host);
        var apiKey = await host.CreateAccountWithProductAsync();
        var key = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString();

        var first = await ValidateAsync(host, key);
        Assert.Equal("VALID", first.GetProperty("code").GetString());
        var verified = keys.Verifications;
        var signed = certificates.Signed;
        for (var i = 0; i < 4; i++)
        {
            var again = await ValidateAsync(host, key);
            Assert.Equal("VALID", again.GetProperty("code").GetString());
            Assert.Equal(Certificate(first), Certificate(again));
            Assert.Equal(first.GetProperty("revalidateAfter").GetString(), again.GetProperty("revalidateAfter").GetString());
        }
        Assert.Equal(verified, keys.Verifications);
        Assert.Equal(signed, certificates.Signed);
        var token = new JsonWebToken(Certificate(first));
        Assert.Equal(DateTimeOffset.Parse(first.GetProperty("revalidateAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .ToUnixTimeSeconds(), token.GetPayloadValue<long>("rva"));

        // Past the reuse window (60 s by default): a new certificate with a later iat; the key is still not verified again.
        clock.Advance(TimeSpan.FromSeconds(61));
        var later = await ValidateAsync(host, key);
        Assert.NotEqual(Certificate(first), Certificate(later));
        Assert.Equal(token.GetPayloadValue<long>("iat") + 61, new JsonWebToken(Certificate(later)).GetPayloadValue<long>("iat"));
        Assert.Equal(signed + 1, certificates.Signed);
        Assert.Equal(verified, keys.Verifications);
    }

    [Fact]
    public async Task A_forged_key_is_verified_on_every_request_and_never_held()
    {
        await using var host = await TestHost.StartAsync();
        var (keys, _) = Caches(host);
        var apiKey = await host.CreateAccountWithProductAsync();
        var key = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        Assert.Equal("VALID", (await ValidateAsync(host, key)).GetProperty("code").GetString());
        var forged = key[..^2] + (key[^2] == 'A' ? "B" : "A") + key[^1];
        var held = keys.Count;
        var verified = keys.Verifications;
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal("NOT_FOUND", (await ValidateAsync(host, forged)).GetProperty("code").GetString());
            Assert.Equal(verified + i, keys.Verifications);
        }
        Assert.Equal(held, keys.Count);
        Assert.Equal("VALID", (await ValidateAsync(host, key)).GetProperty("code").GetString());
        Assert.Equal(verified + 3, keys.Verifications);
    }

    [Fact]
    public async Task A_license_change_gets_a_new_certificate_and_a_suspension_answers_at_once()
    {
        await using var host = await TestHost.StartAsync();
        var apiKey = await host.CreateAccountWithProductAsync();
        var issued = await host.IssueAsync(apiKey);
        var (id, key) = (issued.GetProperty("licenseId").GetString(), issued.GetProperty("licenseKey").GetString());
        var first = Certificate(await ValidateAsync(host, key));
        Assert.Equal(first, Certificate(await ValidateAsync(host, key)));

        Assert.Equal(System.Net.HttpStatusCode.OK, (await host.PostAsync($"v1/licenses/{id}/suspend", null, apiKey)).Status);
        var suspended = await ValidateAsync(host, key);
        Assert.Equal("SUSPENDED", suspended.GetProperty("code").GetString());
        Assert.False(suspended.TryGetProperty("certificate", out _));

        Assert.Equal(System.Net.HttpStatusCode.OK, (await host.PostAsync($"v1/licenses/{id}/reinstate", null, apiKey)).Status);
        var reinstated = Certificate(await ValidateAsync(host, key));
        Assert.NotEqual(first, reinstated);
        Assert.Equal(reinstated, Certificate(await ValidateAsync(host, key)));

        // A second activated site is its own certificate.
        var other = await ValidateAsync(host, key, "second-site.com");
        Assert.Equal("VALID", other.GetProperty("code").GetString());
        Assert.Equal("second-site.com", new JsonWebToken(Certificate(other)).GetClaim("domain").Value);
        Assert.NotEqual(reinstated, Certificate(other));
    }

    [Fact]
    public async Task A_revocation_on_another_instance_is_answered_within_the_license_cache_bound_not_the_certificate_window()
    {
        var clock = new TestClock();
        await using var validating = await TestHost.StartAsync(clock: clock);
        await using var admin = await TestHost.StartAsync(clock: clock);
        var apiKey = await admin.CreateAccountWithProductAsync();
        var issued = await admin.IssueAsync(apiKey);
        var key = issued.GetProperty("licenseKey").GetString();
        var certificate = Certificate(await ValidateAsync(validating, key));

        await admin.PostAsync($"v1/licenses/{issued.GetProperty("licenseId").GetString()}/revoke", null, apiKey);
        // Within the 5 s license cache, as without reuse, this instance still answers from the copy it read.
        Assert.Equal(certificate, Certificate(await ValidateAsync(validating, key)));
        clock.Advance(TimeSpan.FromSeconds(5));
        var revoked = await ValidateAsync(validating, key);
        Assert.Equal("REVOKED", revoked.GetProperty("code").GetString());
        Assert.False(revoked.TryGetProperty("certificate", out _));
    }
}
