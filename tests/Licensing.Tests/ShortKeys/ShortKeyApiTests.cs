using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.KeyAliases;
using Licensing.Tests.Support;

namespace Licensing.Tests.ShortKeys;

/// <summary><c>"keyFormat": "short"</c> over HTTP on the local host against Azurite and smtp4dev.</summary>
public sealed class ShortKeyApiTests
{
    private const string Shape = "^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static object ShortProduct(int? trialDays = null) => new
    {
        name = "Typed Plugin",
        keyFormat = "short",
        plans = new object[] { new { id = "pro", name = "Pro", model = "subscription", durationDays = 365, maxActivations = 3, trialDays } },
    };

    private static async Task<(string AccountId, string ApiKey)> AccountWithShortProductAsync(TestHost host, int? trialDays = null)
    {
        var account = await host.CreateAccountAsync();
        var r = await host.PutAsync("v1/products/typed", ShortProduct(trialDays), account.ApiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        Assert.Equal("short", r.Json.GetProperty("keyFormat").GetString());
        Assert.Equal("short", (await host.GetAsync("v1/products/typed", account.ApiKey)).Json.GetProperty("keyFormat").GetString());
        return account;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json, bool Replayed)> IssueAsync(TestHost host, string apiKey, string idempotencyKey,
        string email)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/licenses")
        {
            Content = JsonContent.Create(new { productId = "typed", customerEmail = email, plan = "pro", domains = new[] { "customer-site.com" } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await host.Http.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, json, response.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task A_short_key_is_shown_once_the_same_on_replay_and_get_e_mailed_and_validates_activates_deactivates_as_typed()
    {
        await Smtp4dev.RequireAsync();
        await using var host = await TestHost.StartAsync();
        var (accountId, apiKey) = await AccountWithShortProductAsync(host);
        var email = $"short-{Guid.NewGuid():N}@example.com";
        var idempotencyKey = Guid.NewGuid().ToString();

        var first = await IssueAsync(host, apiKey, idempotencyKey, email);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var key = first.Json.GetProperty("licenseKey").GetString()!;
        var licenseId = first.Json.GetProperty("licenseId").GetString()!;
        Assert.Matches(Shape, key);
        var replay = await IssueAsync(host, apiKey, idempotencyKey, email);
        Assert.True(replay.Replayed);
        Assert.Equal(key, replay.Json.GetProperty("licenseKey").GetString());
        Assert.Equal(key, (await host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json.GetProperty("licenseKey").GetString());

        // The e-mail to the customer carries the short key, not the internal signed key.
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostAsync($"v1/licenses/{licenseId}/resend-email", null, apiKey)).Status);
        var message = Assert.Single(await Smtp4dev.WaitForAsync(email, 1, Patience));
        var text = await Smtp4dev.PlainTextAsync(message.Id);
        Assert.Contains(key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("LK1.", text, StringComparison.Ordinal);

        // Typed forgivingly; the certificate names the license and verifies against GET /v1/keys (offline trust rests on it).
        var jwks = (await host.GetAsync("v1/keys")).Text;
        var bare = key.Replace("-", "", StringComparison.Ordinal);
        foreach (var typed in new[] { key, key.ToLowerInvariant(), bare, string.Join(' ', key.Split('-')), key.Replace('0', 'o').Replace('1', 'L') })
        {
            var v = await host.PostOkAsync("v1/validate", new { key = typed, domain = "customer-site.com" });
            Assert.Equal("VALID", v.GetProperty("code").GetString());
            Assert.Equal(licenseId, v.GetProperty("license").GetProperty("id").GetString());
            var certificate = v.GetProperty("certificate").GetString()!;
            Assert.True((await Signing.CertificateTests.Check(certificate, jwks)).IsValid);
            Assert.Equal(licenseId, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(certificate).Subject);
        }
        var activated = await host.PostOkAsync("v1/activate", new { key = bare.ToLowerInvariant(), domain = "second-site.com" });
        Assert.True(activated.GetProperty("activated").GetBoolean(), activated.ToString());
        Assert.Equal(2, activated.GetProperty("activationsUsed").GetInt32());
        var deactivated = await host.PostOkAsync("v1/deactivate", new { key = string.Join(' ', key.Split('-')), domain = "second-site.com" });
        Assert.True(deactivated.GetProperty("deactivated").GetBoolean(), deactivated.ToString());

        // The update check and the EDD compatibility endpoint read the key the same way.
        var update = await host.PostOkAsync("v1/updates/check", new { key = key.ToLowerInvariant(), domain = "customer-site.com", version = "1.0.0" });
        Assert.Equal("VALID", update.GetProperty("code").GetString());
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["edd_action"] = "check_license",
            ["license"] = bare.ToLowerInvariant(),
            ["item_name"] = "Typed Plugin",
            ["url"] = "https://customer-site.com/",
        }))
        {
            using var edd = await host.Http.PostAsync($"v1/compat/edd/{accountId}/", form);
            var eddJson = JsonDocument.Parse(await edd.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("valid", eddJson.GetProperty("license").GetString());
        }

        // A mistyped or forged key is NOT_FOUND.
        var mistyped = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        Assert.Equal("NOT_FOUND", (await host.PostOkAsync("v1/validate", new { key = mistyped })).GetProperty("code").GetString());

        // Stored only as the hash of its canonical form: neither the license nor the alias row holds the key.
        var row = new TableClient(TestHost.Azurite, "keyaliases").GetEntityIfExists<TableEntity>(KeyAlias.Hash(key), "");
        Assert.True(row.HasValue);
        Assert.Equal(licenseId, row.Value!.GetString("LicenseId"));
        var entity = new TableClient(TestHost.Azurite, "licenses").GetEntity<TableEntity>(accountId, licenseId).Value;
        Assert.Equal(1, entity.GetInt32("ShortKeyVersion"));
        foreach (var stored in new TableEntity[] { entity, row.Value })
            Assert.DoesNotContain(stored, p => p.Value?.ToString() is { } s
                && (s.Contains(key, StringComparison.OrdinalIgnoreCase) || s.Contains(bare, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task A_trial_of_a_short_key_product_gets_and_e_mails_a_short_key()
    {
        await Smtp4dev.RequireAsync();
        await using var host = await TestHost.StartAsync();
        var (accountId, apiKey) = await AccountWithShortProductAsync(host, trialDays: 14);
        var email = $"short-trial-{Guid.NewGuid():N}@example.com";
        var r = await host.PostAsync("v1/trials",
            new { accountId, productId = "typed", plan = "pro", customerEmail = email, domain = $"t{Guid.NewGuid():N}.example-customer.com" });
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        var key = r.Json.GetProperty("licenseKey").GetString()!;
        Assert.Matches(Shape, key);
        Assert.Equal(key, (await host.GetAsync($"v1/licenses/{r.Json.GetProperty("licenseId").GetString()}", apiKey)).Json
            .GetProperty("licenseKey").GetString());
        var message = Assert.Single(await Smtp4dev.WaitForAsync(email, 1, Patience));
        Assert.Contains(key, await Smtp4dev.PlainTextAsync(message.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_format_is_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var host = await TestHost.StartAsync();
        var (_, apiKey) = await host.CreateAccountAsync();
        var r = await host.PutAsync("v1/products/typed", new { name = "Typed", keyFormat = "long", plans = new[] { new { id = "pro", model = "perpetual" } } },
            apiKey);
        var problem = r.AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("keyFormat", out _), r.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await host.GetAsync("v1/products/typed", apiKey)).Status);
        // Omitted: signed, as before.
        var signed = await host.PutAsync("v1/products/typed", new { name = "Typed", plans = new[] { new { id = "pro", model = "perpetual" } } }, apiKey);
        Assert.Equal("signed", signed.Json.GetProperty("keyFormat").GetString());
    }
}
