using System.Net;
using Azure.Data.Tables;
using Licensing.Domain.KeyAliases;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.KeyAliases;

/// <summary>Alias keys over HTTP against Azurite: they validate, activate and deactivate like the signed key.</summary>
public sealed class AliasKeyApiTests
{
    private static async Task<(TestHost Host, string AccountId, string LicenseId, string NativeKey)> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = await TestHost.StartAsync(settings: settings);
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        var license = await host.IssueAsync(apiKey);
        return (host, accountId, license.GetProperty("licenseId").GetString()!, license.GetProperty("licenseKey").GetString()!);
    }

    [Fact]
    public async Task An_alias_key_validates_activates_and_deactivates_like_the_signed_key()
    {
        var (host, accountId, licenseId, _) = await StartAsync();
        await using var _ = host;
        var alias = Guid.NewGuid().ToString();
        await host.Services.GetRequiredService<KeyAliasService>().AttachAsync(accountId, licenseId, alias, default);

        var valid = await host.PostOkAsync("v1/validate", new { key = alias, domain = "customer-site.com" });
        Assert.Equal("VALID", valid.GetProperty("code").GetString());
        Assert.Equal(licenseId, valid.GetProperty("license").GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(valid.GetProperty("certificate").GetString()));

        var activated = await host.PostOkAsync("v1/activate", new { key = alias, domain = "second-site.com" });
        Assert.True(activated.GetProperty("activated").GetBoolean(), activated.ToString());
        Assert.Equal(2, activated.GetProperty("activationsUsed").GetInt32());
        Assert.False(string.IsNullOrEmpty(activated.GetProperty("certificate").GetString()));
        var deactivated = await host.PostOkAsync("v1/deactivate", new { key = alias, domain = "second-site.com" });
        Assert.True(deactivated.GetProperty("deactivated").GetBoolean(), deactivated.ToString());
        Assert.Equal(1, deactivated.GetProperty("activationsUsed").GetInt32());

        // Stored only as its hash: the row is keyed by it and neither entity holds the key itself.
        var row = new TableClient(TestHost.Azurite, "keyaliases").GetEntityIfExists<TableEntity>(KeyAlias.Hash(alias), "");
        Assert.True(row.HasValue);
        Assert.Equal(licenseId, row.Value!.GetString("LicenseId"));
        var entity = new TableClient(TestHost.Azurite, "licenses").GetEntity<TableEntity>(accountId, licenseId).Value;
        Assert.DoesNotContain(entity, p => p.Value?.ToString()?.Contains(alias, StringComparison.OrdinalIgnoreCase) == true);
        Assert.DoesNotContain(row.Value, p => p.Value?.ToString()?.Contains(alias, StringComparison.OrdinalIgnoreCase) == true);
    }

    [Fact]
    public async Task A_moved_key_answers_not_found_at_once_and_the_new_one_names_the_same_license()
    {
        var (host, accountId, licenseId, nativeKey) = await StartAsync();
        await using var _ = host;
        var (before, after) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var keys = host.Services.GetRequiredService<KeyAliasService>();
        await keys.AttachAsync(accountId, licenseId, before, default);
        Assert.Equal("VALID", (await host.PostOkAsync("v1/validate", new { key = before })).GetProperty("code").GetString());
        await keys.MoveAsync(accountId, licenseId, before, after, default);
        var old = await host.PostOkAsync("v1/validate", new { key = before });
        Assert.Equal("NOT_FOUND", old.GetProperty("code").GetString());
        Assert.False(old.TryGetProperty("license", out var _));
        Assert.Equal(licenseId, (await host.PostOkAsync("v1/validate", new { key = after })).GetProperty("license").GetProperty("id").GetString());
        Assert.Equal("VALID", (await host.PostOkAsync("v1/validate", new { key = nativeKey })).GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", (await host.PostOkAsync("v1/activate", new { key = before, domain = "x.com" })).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Guessing_alias_keys_is_throttled_per_address_across_validate_activate_and_deactivate()
    {
        var (host, accountId, licenseId, nativeKey) = await StartAsync(new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:UnknownKeysBurst"] = "4",
            ["Licensing:RateLimits:UnknownKeysPerSecond"] = "0.001",
        });
        await using var _ = host;
        var alias = Guid.NewGuid().ToString();
        await host.Services.GetRequiredService<KeyAliasService>().AttachAsync(accountId, licenseId, alias, default);
        Assert.Equal("VALID", (await host.PostOkAsync("v1/validate", new { key = alias })).GetProperty("code").GetString()); // hits cost nothing
        Assert.Equal("NOT_FOUND", (await host.PostOkAsync("v1/validate", new { key = Guid.NewGuid().ToString() })).GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", (await host.PostOkAsync("v1/validate", new { key = Guid.NewGuid().ToString() })).GetProperty("code").GetString());
        foreach (var path in new[] { "v1/activate", "v1/deactivate" })
        {
            var unknown = await host.PostOkAsync(path, new { key = Guid.NewGuid().ToString(), domain = "a.com" });
            Assert.Equal("NOT_FOUND", unknown.GetProperty("code").GetString());
        }
        var attempts = new[] { ("v1/validate", Guid.NewGuid().ToString()), ("v1/validate", alias), ("v1/activate", alias), ("v1/deactivate", alias) };
        foreach (var (path, key) in attempts)
        {
            var limited = await host.PostAsync(path, new { key, domain = "customer-site.com" });
            limited.AssertProblem(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            Assert.NotNull(limited.Headers.RetryAfter);
        }
        // The signed key needs no lookup and is not held back.
        Assert.Equal("VALID", (await host.PostOkAsync("v1/validate", new { key = nativeKey })).GetProperty("code").GetString());
    }
}
