using System.Net;
using System.Text.RegularExpressions;
using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Sdk;

/// <summary>The .NET SDK against the local host and offline; it follows the documented formats, so a drift fails here.</summary>
public sealed partial class DotnetSdkTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private async Task<(string Key, string LicenseId, string ApiKey, string Jwks)> LicenseAsync()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var l = await Host.IssueAsync(apiKey);
        return (l.GetProperty("licenseKey").GetString()!, l.GetProperty("licenseId").GetString()!, apiKey, (await Host.GetAsync("v1/keys")).Text);
    }

    private LicenseClient Client(string jwks, ICertificateStore store, Func<DateTimeOffset>? clock = null, HttpMessageHandler? handler = null,
        Uri? baseUrl = null) =>
        new(new LicenseClientOptions
        {
            BaseUrl = baseUrl ?? Host.BaseAddress,
            PinnedJwks = jwks,
            Store = store,
            Clock = clock ?? (() => DateTimeOffset.UtcNow),
            Handler = handler,
            Timeout = Patience.Bound, // bounds a hang only: a loaded machine may take seconds to answer
        });

    [Fact]
    public void The_sdk_verifies_the_documented_key_vector_and_refuses_tampering()
    {
        var doc = File.ReadAllText(Repo.PathTo("docs", "license-keys.md"));
        string Block(string lang) => Regex.Match(doc, "```" + lang + @"\n(.*?)\n```", RegexOptions.Singleline).Groups[1].Value.Trim();
        var keys = Jwk.ParseSet(Block("jwks"));
        Assert.True(OfflineVerifier.TryVerifyKey(Block("license-key"), keys, out var ids));
        Assert.Equal("lic_62ba527be2c6d86300018043", ids!.LicenseId);
        var key = Block("license-key");
        Assert.False(OfflineVerifier.TryVerifyKey(key[..60] + (key[60] == 'A' ? 'B' : 'A') + key[61..], keys, out _));
    }

    [Fact]
    public async Task Validates_online_and_checks_the_certificate_through_the_chain_with_pinned_root_keys()
    {
        var (key, licenseId, _, jwks) = await LicenseAsync();
        using var client = Client(jwks, new MemoryCertificateStore());
        var state = await client.ValidateAsync(key, "customer-site.com");
        Assert.True(state.IsValid, state.Detail);
        Assert.False(state.Offline);
        Assert.Equal(licenseId, state.Certificate!.LicenseId);
        Assert.Equal("customer-site.com", state.Certificate.Domain);
        Assert.True(client.HasFeature("export"));
        Assert.False(client.HasFeature("custom-branding"));
    }

    [Fact]
    public async Task A_trial_says_it_is_one_through_its_certificate_and_a_paid_license_does_not()
    {
        var (key, _, apiKey, jwks) = await LicenseAsync();
        var r = await Host.PutAsync("v1/products/trial-app", new
        {
            name = "Trial App",
            plans = new object[] { new { id = "pro", model = "subscription", durationDays = 365, maxActivations = 1, trialDays = 30 } },
        }, apiKey);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        var account = (await Host.GetAsync("v1/account", apiKey)).Json.GetProperty("accountId").GetString();
        var trial = await Host.PostAsync("v1/trials", new
        {
            accountId = account,
            productId = "trial-app",
            plan = "pro",
            customerEmail = $"sdk-{Guid.NewGuid():N}@example.com",
            domain = "trial-site.com",
        });
        Assert.True(trial.Status == HttpStatusCode.Created, trial.Text);

        using var client = Client(jwks, new MemoryCertificateStore());
        var state = await client.ValidateAsync(trial.Json.GetProperty("licenseKey").GetString()!, "trial-site.com");
        Assert.True(state.IsValid, state.Detail);
        Assert.True(state.IsTrial);
        Assert.True(state.Certificate!.IsTrial);
        var paid = await client.ValidateAsync(key, "customer-site.com");
        Assert.True(paid.IsValid, paid.Detail);
        Assert.False(paid.IsTrial);
        Assert.False(paid.Certificate!.IsTrial);
    }

    [Fact]
    public async Task Offline_it_keeps_the_last_verdict_until_the_certificate_expires_and_never_calls_a_fault_unlicensed()
    {
        var (key, _, _, jwks) = await LicenseAsync();
        var store = new MemoryCertificateStore();
        var now = DateTimeOffset.UtcNow;
        using (var online = Client(jwks, store, () => now))
            Assert.True((await online.ValidateAsync(key, "customer-site.com")).IsValid);

        // Fresh: no network needed at all.
        using var failing = Client(jwks, store, () => now.AddHours(1), new FailingHandler(HttpStatusCode.ServiceUnavailable));
        var fresh = await failing.CheckAsync(key, "customer-site.com");
        Assert.True(fresh.IsValid);
        Assert.False(fresh.Offline);

        // Past revalidateAfter the server answers 503: keep the last verdict (offline grace).
        using var unavailable = Client(jwks, store, () => now.AddHours(80), new FailingHandler(HttpStatusCode.ServiceUnavailable));
        var grace = await unavailable.CheckAsync(key, "customer-site.com");
        Assert.True(grace.IsValid);
        Assert.True(grace.Offline);

        // Network down: the same.
        using var down = Client(jwks, store, () => now.AddHours(80), baseUrl: new Uri("http://127.0.0.1:9/api/"));
        Assert.True((await down.CheckAsync(key, "customer-site.com")).IsValid);

        // Past the certificate's expiry (72 h + 168 h grace): no longer licensed offline.
        using var late = Client(jwks, store, () => now.AddHours(250), new FailingHandler(HttpStatusCode.ServiceUnavailable));
        var expired = await late.CheckAsync(key, "customer-site.com");
        Assert.False(expired.IsValid);
        Assert.Equal("CERTIFICATE_EXPIRED", expired.Code);

        // A first run with no certificate and no server is "unreachable", not a verdict.
        using var fresh2 = Client(jwks, new MemoryCertificateStore(), handler: new FailingHandler(HttpStatusCode.BadGateway));
        Assert.Equal("UNREACHABLE", (await fresh2.ValidateAsync(key)).Code);
    }

    [Fact]
    public async Task A_clock_set_back_before_the_last_certificate_is_detected()
    {
        var (key, _, _, jwks) = await LicenseAsync();
        var store = new MemoryCertificateStore();
        using (var online = Client(jwks, store)) Assert.True((await online.ValidateAsync(key)).IsValid);
        using var backdated = Client(jwks, store, () => DateTimeOffset.UtcNow.AddDays(-2), new FailingHandler(HttpStatusCode.ServiceUnavailable));
        var state = await backdated.CheckAsync(key);
        Assert.False(state.IsValid);
        Assert.Equal("CLOCK_TAMPERED", state.Code);
    }

    [Fact]
    public async Task A_revoked_license_is_refused_online_and_the_stored_certificate_is_dropped()
    {
        var (key, licenseId, apiKey, jwks) = await LicenseAsync();
        var store = new MemoryCertificateStore();
        using var client = Client(jwks, store);
        Assert.True((await client.ValidateAsync(key)).IsValid);
        await Host.PostAsync($"v1/licenses/{licenseId}/revoke", null, apiKey);
        var revoked = await client.ValidateAsync(key);
        Assert.False(revoked.IsValid);
        Assert.Equal("REVOKED", revoked.Code);
        using var offline = Client(jwks, store, handler: new FailingHandler(HttpStatusCode.ServiceUnavailable));
        Assert.False((await offline.ValidateAsync(key)).IsValid); // nothing left to fall back on
    }

    [Fact]
    public async Task Activates_and_deactivates_a_machine()
    {
        var (key, _, _, jwks) = await LicenseAsync();
        using var client = Client(jwks, new MemoryCertificateStore());
        var activated = await client.ActivateAsync(key, fingerprint: "machine-7", name: "Build box");
        Assert.True(activated.IsValid, activated.Detail);
        Assert.Equal("machine-7", activated.Certificate!.Fingerprint);
        Assert.True(await client.DeactivateAsync(key, fingerprint: "machine-7"));
        Assert.False(client.HasFeature("export"));
    }

    [Fact]
    public async Task A_short_key_is_checked_by_the_server_and_its_certificate_then_carries_it_offline_for_that_key_only()
    {
        var (_, _, apiKey, jwks) = await LicenseAsync();
        await Host.PutShortKeyProductAsync(apiKey, "typed-app");
        var issued = await Host.IssueAsync(apiKey, new { productId = "typed-app", customerEmail = "c@example.com", plan = "pro" });
        var key = issued.GetProperty("licenseKey").GetString()!;
        Assert.False(OfflineVerifier.IsSignedKey(key));

        var store = new MemoryCertificateStore();
        using (var client = Client(jwks, store))
        {
            var state = await client.ValidateAsync(key.ToLowerInvariant(), "typed-site.com");
            Assert.True(state.IsValid, state.Detail);
            Assert.Equal(issued.GetProperty("licenseId").GetString(), state.Certificate!.LicenseId);
        }
        // Offline, the stored certificate answers for the key it was given for, and not for another short key.
        using var offline = Client(jwks, store, handler: new FailingHandler(HttpStatusCode.ServiceUnavailable));
        var kept = await offline.ValidateAsync(key.ToLowerInvariant(), "typed-site.com");
        Assert.True(kept.IsValid && kept.Offline, kept.Detail);
        var other = await offline.ValidateAsync(key[..^1] + (key[^1] == 'A' ? 'B' : 'A'), "typed-site.com");
        Assert.False(other.IsValid, other.Detail);
    }

    [Fact]
    public async Task A_forged_key_is_refused_without_a_request()
    {
        var (_, _, _, jwks) = await LicenseAsync();
        using var client = Client(jwks, new MemoryCertificateStore(), handler: new FailingHandler(HttpStatusCode.OK, throwIfCalled: true));
        Assert.Equal("NOT_FOUND", (await client.ValidateAsync("LK1.not-a-key")).Code);
    }

    private sealed class FailingHandler(HttpStatusCode status, bool throwIfCalled = false) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (throwIfCalled) throw new InvalidOperationException("no request expected");
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("{\"code\":\"SERVICE_UNAVAILABLE\",\"detail\":\"down\"}") });
        }
    }
}
