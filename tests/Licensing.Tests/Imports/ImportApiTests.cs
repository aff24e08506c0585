using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Signing;
using Licensing.Tests.Support;

namespace Licensing.Tests.Imports;

/// <summary><c>POST /v1/licenses/import</c> over HTTP against Azurite: keys sold elsewhere keep working here.</summary>
public sealed class ImportApiTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private static string NewKey() => "EDD-" + Guid.NewGuid().ToString("N");

    private async Task<JsonElement> ImportOkAsync(string apiKey, params object[] licenses)
    {
        var r = await Host.PostAsync("v1/licenses/import", new { productId = "my-plugin", licenses }, apiKey);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json;
    }

    private async Task<string> Code(object body) => (await Host.PostOkAsync("v1/validate", body)).GetProperty("code").GetString()!;

    [Fact]
    public async Task Imported_keys_validate_activate_and_deactivate_with_a_certificate_and_are_stored_only_as_hashes()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var key = NewKey();
        var result = await ImportOkAsync(apiKey, new
        {
            key,
            customerEmail = "imported@example.com",
            plan = "pro",
            expiresAt = DateTimeOffset.UtcNow.AddDays(90),
            domains = new[] { "old-site.com" },
            metadata = new Dictionary<string, string> { ["source"] = "edd" },
        });
        Assert.Equal(1, result.GetProperty("imported").GetInt32());
        Assert.Equal(0, result.GetProperty("skipped").GetInt32());
        Assert.Empty(result.GetProperty("errors").EnumerateArray());

        var valid = await Host.PostOkAsync("v1/validate", new { key, domain = "old-site.com" });
        Assert.Equal("VALID", valid.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(valid.GetProperty("certificate").GetString()));
        var activated = await Host.PostOkAsync("v1/activate", new { key, domain = "new-site.com" });
        Assert.True(activated.GetProperty("activated").GetBoolean(), activated.ToString());
        Assert.Equal(2, activated.GetProperty("activationsUsed").GetInt32());
        var deactivated = await Host.PostOkAsync("v1/deactivate", new { key, domain = "new-site.com" });
        Assert.True(deactivated.GetProperty("deactivated").GetBoolean(), deactivated.ToString());

        var licenseId = valid.GetProperty("license").GetProperty("id").GetString()!;
        var license = (await Host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json;
        Assert.Equal("imported@example.com", license.GetProperty("customerEmail").GetString());
        Assert.Equal("edd", license.GetProperty("metadata").GetProperty("source").GetString());
        var entity = new TableClient(TestHost.Azurite, "licenses").GetEntity<TableEntity>(accountId, licenseId).Value;
        Assert.DoesNotContain(entity, p => p.Value?.ToString()?.Contains(key, StringComparison.OrdinalIgnoreCase) == true);
        Assert.True(new TableClient(TestHost.Azurite, "keyaliases").GetEntityIfExists<TableEntity>(KeyAlias.Hash(key), "").HasValue);
    }

    [Fact]
    public async Task Statuses_and_past_expiry_are_kept_and_answer_their_validation_codes()
    {
        var (_, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var (suspended, revoked, expired, lapsed) = (NewKey(), NewKey(), NewKey(), NewKey());
        var result = await ImportOkAsync(apiKey,
            new { key = suspended, customerEmail = "a@example.com", plan = "pro", status = "suspended" },
            new { key = revoked, customerEmail = "b@example.com", plan = "pro", status = "revoked" },
            new { key = expired, customerEmail = "c@example.com", plan = "pro", status = "expired" },
            new { key = lapsed, customerEmail = "d@example.com", plan = "pro", expiresAt = DateTimeOffset.UtcNow.AddDays(-3) });
        Assert.Equal(4, result.GetProperty("imported").GetInt32());
        Assert.Equal("SUSPENDED", await Code(new { key = suspended }));
        Assert.Equal("REVOKED", await Code(new { key = revoked }));
        Assert.Equal("EXPIRED", await Code(new { key = expired }));
        Assert.Equal("EXPIRED", await Code(new { key = lapsed }));
    }

    [Fact]
    public async Task Importing_again_skips_and_another_accounts_key_is_unavailable_without_naming_the_account()
    {
        var (firstAccount, first) = await Host.CreateAccountWithProductAndIdAsync();
        var (_, second) = await Host.CreateAccountWithProductAndIdAsync();
        var key = NewKey();
        var item = new { key, customerEmail = "owner@example.com", plan = "pro" };
        Assert.Equal(1, (await ImportOkAsync(first, item)).GetProperty("imported").GetInt32());
        var again = await ImportOkAsync(first, item);
        Assert.Equal((0, 1), (again.GetProperty("imported").GetInt32(), again.GetProperty("skipped").GetInt32()));
        Assert.Equal(1, TestHost.StoredLicenseCount(firstAccount));

        var other = await ImportOkAsync(second, new { key = NewKey(), customerEmail = "x@example.com", plan = "pro" },
            new { key, customerEmail = "thief@example.com", plan = "business" });
        Assert.Equal(1, other.GetProperty("imported").GetInt32());
        var error = Assert.Single(other.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        Assert.Equal("KEY_UNAVAILABLE", error.GetProperty("code").GetString());
        Assert.DoesNotContain(firstAccount, other.ToString(), StringComparison.Ordinal);
        var still = await Host.PostOkAsync("v1/validate", new { key });
        Assert.Equal("pro", still.GetProperty("license").GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Deleting_an_imported_license_removes_its_key_row_so_the_key_is_not_found_and_can_be_imported_again()
    {
        var (_, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var key = NewKey();
        var item = new { key, customerEmail = "gone@example.com", plan = "pro" };
        Assert.Equal(1, (await ImportOkAsync(apiKey, item)).GetProperty("imported").GetInt32());
        var licenseId = (await Host.PostOkAsync("v1/validate", new { key })).GetProperty("license").GetProperty("id").GetString()!;
        var aliases = new TableClient(TestHost.Azurite, "keyaliases");
        Assert.True(aliases.GetEntityIfExists<TableEntity>(KeyAlias.Hash(key), "").HasValue);

        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"v1/licenses/{licenseId}", bearer: apiKey)).Status);
        Assert.False(aliases.GetEntityIfExists<TableEntity>(KeyAlias.Hash(key), "").HasValue);
        Assert.Equal("NOT_FOUND", await Code(new { key }));
        Assert.False((await Host.PostOkAsync("v1/activate", new { key, domain = "a.com" })).GetProperty("activated").GetBoolean());

        var again = await ImportOkAsync(apiKey, item with { customerEmail = "again@example.com" });
        Assert.Equal((1, 0), (again.GetProperty("imported").GetInt32(), again.GetProperty("skipped").GetInt32()));
        var back = await Host.PostOkAsync("v1/validate", new { key });
        Assert.Equal("VALID", back.GetProperty("code").GetString());
        var id = back.GetProperty("license").GetProperty("id").GetString()!;
        Assert.Equal("again@example.com", (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("customerEmail").GetString());
    }

    [Fact]
    public async Task Bad_items_are_refused_one_by_one_naming_the_field_and_change_nothing()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var shortShaped = ShortKey.New(1, new byte[32]);
        var result = await ImportOkAsync(apiKey,
            new { key = "", customerEmail = "a@example.com", plan = "pro" },
            new { key = shortShaped.ToLowerInvariant(), customerEmail = "a@example.com", plan = "pro" },
            new { key = NewKey(), customerEmail = "a@example.com", plan = "pro", status = "paused" },
            new { key = NewKey(), customerEmail = "not-an-email", plan = "pro" },
            new { key = NewKey(), customerEmail = "a@example.com", plan = "platinum" },
            new { key = NewKey(), customerEmail = "a@example.com", plan = "pro", domains = new[] { "a.com", "b.com", "c.com", "d.com" } },
            new { key = "LK1.not-yours", customerEmail = "a@example.com", plan = "pro" },
            new { key = NewKey(), customerEmail = "good@example.com", plan = "pro" });
        Assert.Equal(1, result.GetProperty("imported").GetInt32());
        var errors = result.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], errors.Select(e => e.GetProperty("index").GetInt32()));
        Assert.All(errors, e => Assert.Equal("VALIDATION_FAILED", e.GetProperty("code").GetString()));
        string[] fields = ["key", "key", "status", "customerEmail", "plan", "domains", "key"];
        for (var i = 0; i < fields.Length; i++) Assert.StartsWith(fields[i] + ":", errors[i].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
        Assert.Equal("NOT_FOUND", await Code(new { key = shortShaped }));

        Host.PostAsync("v1/licenses/import", new { productId = "nope", licenses = new[] { new { key = NewKey() } } }, apiKey).Result
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var tooMany = Enumerable.Range(0, 1001).Select(_ => new { key = NewKey(), customerEmail = "a@example.com", plan = "pro" }).ToArray();
        var problem = (await Host.PostAsync("v1/licenses/import", new { productId = "my-plugin", licenses = tooMany }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("licenses", out _));
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task Quotas_apply_per_item_once_the_tier_is_full()
    {
        var (accountId, apiKey) = await Host.CreateAccountAsync(tier: "free");
        Assert.Equal(HttpStatusCode.Created, (await Host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, apiKey)).Status);
        var items = Enumerable.Range(0, 8).Select(i => new { key = NewKey(), customerEmail = $"c{i}@example.com", plan = "pro" }).ToArray();
        var result = await ImportOkAsync(apiKey, items);
        Assert.Equal(5, result.GetProperty("imported").GetInt32());
        var errors = result.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal(3, errors.Length);
        Assert.All(errors, e => Assert.Equal("QUOTA_EXCEEDED", e.GetProperty("code").GetString()));
        Assert.Equal(5, TestHost.StoredLicenseCount(accountId));
    }

    [Fact]
    public async Task The_same_batch_posted_twice_at_once_imports_each_key_once()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var items = Enumerable.Range(0, 40).Select(i => new { key = NewKey(), customerEmail = $"c{i}@example.com", plan = "pro" }).ToArray();
        var both = await Task.WhenAll(ImportOkAsync(apiKey, items), ImportOkAsync(apiKey, items));
        Assert.All(both, r => Assert.Empty(r.GetProperty("errors").EnumerateArray()));
        Assert.Equal(40, both.Sum(r => r.GetProperty("imported").GetInt32()));
        Assert.Equal(80, both.Sum(r => r.GetProperty("imported").GetInt32() + r.GetProperty("skipped").GetInt32()));
        Assert.Equal(40, TestHost.StoredLicenseCount(accountId));
        foreach (var item in items.Take(5)) Assert.Equal("VALID", await Code(new { key = item.key }));
    }

    [Fact]
    public async Task Import_needs_an_api_key_and_at_least_one_license()
    {
        var (_, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        (await Host.PostAsync("v1/licenses/import", new { productId = "my-plugin", licenses = Array.Empty<object>() }))
            .AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await Host.PostAsync("v1/licenses/import", new { productId = "my-plugin", licenses = Array.Empty<object>() }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }
}
