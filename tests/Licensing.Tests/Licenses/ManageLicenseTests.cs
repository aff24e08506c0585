using System.Net;
using System.Text.Json;
using Licensing.Tests.Audit;
using Licensing.Tests.Support;

namespace Licensing.Tests.Licenses;

/// <summary>PATCH, vendor removal of an activation and deletion, over HTTP against Azurite.</summary>
public sealed class ManageLicenseTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private Task<ApiResponse> PatchAsync(string apiKey, string id, object? body = null, string? raw = null) =>
        Host.SendAsync(HttpMethod.Patch, $"v1/licenses/{id}", body, apiKey, raw);

    private async Task<(string ApiKey, string Id, string Key)> IssueAsync(object? body = null)
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        var l = await Host.IssueAsync(apiKey, body);
        return (apiKey, l.GetProperty("licenseId").GetString()!, l.GetProperty("licenseKey").GetString()!);
    }

    private static string[] Strings(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetString()!)];

    [Fact]
    public async Task Patch_changes_the_given_fields_and_leaves_the_others()
    {
        var (apiKey, id, _) = await IssueAsync(new
        {
            productId = "my-plugin",
            customerEmail = "old@example.com",
            plan = "pro",
            metadata = new { orderId = "A-1", seat = "x" },
        });
        var expires = DateTimeOffset.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var r = await PatchAsync(apiKey, id, raw: $$"""
            { "customerEmail": "New.Owner@example.com", "expiresAt": "{{expires}}", "metadata": { "orderId": "A-2", "seat": null, "note": "n" } }
            """);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        Assert.Equal("New.Owner@example.com", r.Json.GetProperty("customerEmail").GetString());
        Assert.Equal(expires, r.Json.GetProperty("expiresAt").GetString());
        Assert.Equal("""{"orderId":"A-2","note":"n"}""", r.Json.GetProperty("metadata").GetRawText());
        Assert.Equal("pro", r.Json.GetProperty("plan").GetString());
        Assert.Equal(["analytics", "export"], Strings(r.Json.GetProperty("features")));
        // A transfer: the license is found under the new owner's address, whatever its case, and no longer under the old one.
        var listed = await Host.GetAsync("v1/licenses?customerEmail=new.owner%40EXAMPLE.com", apiKey);
        Assert.Equal(id, listed.Json.GetProperty("items")[0].GetProperty("licenseId").GetString());
        Assert.Empty((await Host.GetAsync("v1/licenses?customerEmail=old%40example.com", apiKey)).Json.GetProperty("items").EnumerateArray());
        // null: no expiry; unlimited; the plan's features.
        r = await PatchAsync(apiKey, id, raw: """{ "expiresAt": null, "maxActivations": null, "features": ["export"] }""");
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("expiresAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("maxActivations").ValueKind);
        Assert.Equal(["export"], Strings(r.Json.GetProperty("features")));
        r = await PatchAsync(apiKey, id, raw: """{ "features": null }""");
        Assert.Equal(["analytics", "export"], Strings(r.Json.GetProperty("features")));
        // The history names each change.
        var history = await AuditProbe.WaitForHistoryAsync(Host, apiKey, id, 4);
        Assert.Equal(["license.updated", "license.updated", "license.updated", "license.created"], history.Select(h => h.GetProperty("action").GetString()));
        var transfer = history[2].GetProperty("changes");
        Assert.Equal("old@example.com", transfer.GetProperty("customerEmail").GetProperty("from").GetString());
        Assert.Equal("New.Owner@example.com", transfer.GetProperty("customerEmail").GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, transfer.GetProperty("metadata.seat").GetProperty("to").ValueKind);
    }

    [Fact]
    public async Task A_plan_change_takes_the_new_plans_terms_unless_the_same_patch_gives_them()
    {
        var (apiKey, id, _) = await IssueAsync(new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" });
        var r = await PatchAsync(apiKey, id, new { plan = "business" });
        Assert.Equal("business", r.Json.GetProperty("plan").GetString());
        Assert.Equal(["analytics", "export", "custom-branding"], Strings(r.Json.GetProperty("features")));
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("maxActivations").ValueKind);
        var expires = r.Json.GetProperty("expiresAt").GetString();
        r = await PatchAsync(apiKey, id, new { plan = "lifetime", features = new[] { "export" }, maxActivations = 2 });
        Assert.Equal(("lifetime", "lifetime", 2), (r.Json.GetProperty("plan").GetString(), r.Json.GetProperty("model").GetString(),
            r.Json.GetProperty("maxActivations").GetInt32()));
        Assert.Equal(["export"], Strings(r.Json.GetProperty("features")));
        Assert.Equal(expires, r.Json.GetProperty("expiresAt").GetString()); // the expiry is the license's, not the plan's
    }

    [Fact]
    public async Task Max_activations_below_those_in_use_is_a_conflict_and_changes_nothing()
    {
        var (apiKey, id, key) = await IssueAsync(); // pro: 3 slots, customer-site.com taken
        Assert.True((await Host.PostOkAsync("v1/activate", new { key, domain = "second.com" })).GetProperty("activated").GetBoolean());
        var before = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        (await PatchAsync(apiKey, id, new { maxActivations = 1, metadata = new { a = "b" } })).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        (await PatchAsync(apiKey, id, new { plan = "lifetime" })).AssertProblem(HttpStatusCode.Conflict, "CONFLICT"); // its limit is 1
        var after = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal(before.GetProperty("updatedAt").GetString(), after.GetProperty("updatedAt").GetString());
        Assert.Equal(2, (await PatchAsync(apiKey, id, new { maxActivations = 2 })).Json.GetProperty("maxActivations").GetInt32());
    }

    [Theory]
    [InlineData("""{"customerEmail":"nope"}""", "customerEmail")]
    [InlineData("""{"customerEmail":null}""", "customerEmail")]
    [InlineData("""{"plan":"gold"}""", "plan")]
    [InlineData("""{"plan":"Not A Slug"}""", "plan")]
    [InlineData("""{"features":["bad feature"]}""", "features[0]")]
    [InlineData("""{"features":"export"}""", "features")]
    [InlineData("""{"maxActivations":-1}""", "maxActivations")]
    [InlineData("""{"maxActivations":"3"}""", "maxActivations")]
    [InlineData("""{"maxActivations":1.5}""", "maxActivations")]
    [InlineData("""{"expiresAt":"2001-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"expiresAt":"next week"}""", "expiresAt")]
    [InlineData("""{"metadata":{"n":5}}""", "metadata.n")]
    [InlineData("""{"metadata":"x"}""", "metadata")]
    public async Task Bad_patch_values_are_validation_problems_naming_the_field_and_change_nothing(string body, string field)
    {
        var (apiKey, id, _) = await IssueAsync();
        var before = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Text;
        var problem = (await PatchAsync(apiKey, id, raw: body)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Text);
    }

    [Fact]
    public async Task Patch_of_an_unknown_or_other_accounts_license_is_not_found_and_needs_the_write_scope()
    {
        var (_, id, _) = await IssueAsync();
        var other = await Host.CreateAccountWithProductAsync();
        (await PatchAsync(other, id, new { plan = "business" })).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await PatchAsync(other, "lic_000000000000000000000000", new { plan = "business" })).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.SendAsync(HttpMethod.Delete, $"v1/licenses/{id}", bearer: other)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.SendAsync(HttpMethod.Patch, $"v1/licenses/{id}", new { plan = "business" })).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Twenty_concurrent_patches_of_different_fields_and_keys_all_land()
    {
        var (apiKey, id, _) = await IssueAsync(new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" });
        var expires = DateTimeOffset.UtcNow.AddDays(77).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var bodies = new List<object>
        {
            new { customerEmail = "race@example.com" }, new { features = new[] { "export", "extra" } }, new { maxActivations = 9 },
            new { expiresAt = expires },
        };
        bodies.AddRange(Enumerable.Range(0, 16).Select(i => (object)new { metadata = new Dictionary<string, string> { [$"k{i}"] = $"v{i}" } }));
        var answers = await Task.WhenAll(bodies.Select(b => Task.Run(() => PatchAsync(apiKey, id, b))));
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, a.Text));

        var l = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal("race@example.com", l.GetProperty("customerEmail").GetString());
        Assert.Equal(["export", "extra"], Strings(l.GetProperty("features")));
        Assert.Equal(9, l.GetProperty("maxActivations").GetInt32());
        Assert.Equal(expires, l.GetProperty("expiresAt").GetString());
        for (var i = 0; i < 16; i++) Assert.Equal($"v{i}", l.GetProperty("metadata").GetProperty($"k{i}").GetString());
        // Exactly one journaled change per PATCH that won its write: nothing lost, nothing recorded twice.
        var history = await AuditProbe.WaitForHistoryAsync(Host, apiKey, id, 21);
        Assert.Equal(21, history.Count);
        Assert.Equal(20, history.Count(h => h.GetProperty("action").GetString() is "license.updated" or "license.renewed"));
    }
}
