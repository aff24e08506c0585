using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Activations;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Tests.Support;
using Xunit.Abstractions;

namespace Licensing.Tests.Storage;

/// <summary>
/// Every documented input limit holds at its maximum with worst-case characters, against Azurite through the API:
/// 201/200 at the limit, 400 one past it, never a 500. Azurite enforces the 32 Ki-character string property (and
/// about 1 MiB per request); the 1 MiB entity size is checked by <see cref="EntitySize"/>.
/// </summary>
public sealed class StorageLimitTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> Unthrottled = new()
    {
        ["Licensing:RateLimits:PerKeyBurst"] = "1000000",
        ["Licensing:RateLimits:PerKeyPerSecond"] = "1000000",
    };

    [Fact]
    public async Task A_2000_seat_plan_takes_2000_worst_case_activations_and_refuses_the_2001st()
    {
        await using var host = await TestHost.StartAsync(settings: Unthrottled);
        var (accountId, apiKey) = await host.CreateAccountAsync();
        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync("v1/products/desk", new
        {
            name = "Desk",
            plans = new[] { new { id = "site", model = "seat", maxActivations = ActivationRules.HardCap } },
        }, apiKey)).Status);
        var license = await host.IssueAsync(apiKey, new { productId = "desk", customerEmail = "c@example.com", plan = "site" });
        var lk = license.GetProperty("licenseKey").GetString()!;
        var licenseId = license.GetProperty("licenseId").GetString()!;
        string Fingerprint(int i) => WorstCaseText.Of(ActivationRules.MaxFingerprintLength, $"{i:D4}");
        string Name(int i) => WorstCaseText.Of(ActivationRules.MaxNameLength, $"{i:D4}");

        // Over HTTP, one after another: every activation of a license is a conditional write of the one license entity,
        // so parallel requests would only retry each other (ActivationConcurrencyTests covers that race).
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < ActivationRules.HardCap; i++)
        {
            var r = await ActivateAsync(host,
                RawJson.Of(new Dictionary<string, object?> { ["key"] = lk, ["fingerprint"] = Fingerprint(i), ["name"] = Name(i) }));
            Assert.True(r.GetProperty("activated").GetBoolean(), r.ToString());
        }
        output.WriteLine($"{ActivationRules.HardCap} activations over HTTP: {clock.Elapsed.TotalSeconds:F1} s");

        var refused = await ActivateAsync(host,
            RawJson.Of(new Dictionary<string, object?> { ["key"] = lk, ["fingerprint"] = Fingerprint(ActivationRules.HardCap), ["name"] = Name(0) }));
        Assert.False(refused.GetProperty("activated").GetBoolean());
        Assert.Equal("ACTIVATION_LIMIT_REACHED", refused.GetProperty("code").GetString());
        Assert.Equal(ActivationRules.HardCap, refused.GetProperty("activationsUsed").GetInt32());

        // Validation still reads one entity and finds any of them; a new machine is refused.
        var valid = (await host.SendAsync(HttpMethod.Post, "v1/validate",
            rawBody: RawJson.Of(new Dictionary<string, object?> { ["key"] = lk, ["fingerprint"] = Fingerprint(1234) }))).Json;
        Assert.Equal("VALID", valid.GetProperty("code").GetString());
        var again = await ActivateAsync(host, RawJson.Of(new Dictionary<string, object?> { ["key"] = lk, ["fingerprint"] = Fingerprint(7) }));
        Assert.True(again.GetProperty("activated").GetBoolean());
        Assert.Equal(Name(7), again.GetProperty("activation").GetProperty("name").GetString());

        // The account API reads them all back intact.
        var read = await host.GetAsync($"v1/licenses/{licenseId}", apiKey);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        var activations = read.Json.GetProperty("activations").EnumerateArray().ToArray();
        Assert.Equal(ActivationRules.HardCap, activations.Length);
        Assert.Equal(Enumerable.Range(0, ActivationRules.HardCap).Select(Fingerprint).Order(StringComparer.Ordinal),
            activations.Select(a => a.GetProperty("fingerprint").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(activations,
            a => Assert.Equal(Name(int.Parse(a.GetProperty("fingerprint").GetString()![..4], System.Globalization.CultureInfo.InvariantCulture)),
                a.GetProperty("name").GetString()));

        // The license entity itself stays small: the index, not the activations.
        var entity = (await new TableClient(TestHost.Azurite, "licenses").GetEntityAsync<TableEntity>(accountId, licenseId)).Value;
        var bytes = EntitySize.AssertFits(entity);
        output.WriteLine($"license entity with {ActivationRules.HardCap} activations: {bytes} bytes");
        Assert.True(bytes < 64 * 1024, $"{bytes} bytes");
    }

    private static async Task<JsonElement> ActivateAsync(TestHost host, string body)
    {
        var r = await host.SendAsync(HttpMethod.Post, "v1/activate", rawBody: body);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json;
    }

    private static Dictionary<string, object?> MaxMetadata(int keys = LicenseService.MaxMetadataKeys, int keyLength = LicenseService.MaxMetadataKeyLength,
        int valueLength = LicenseService.MaxMetadataValueLength) =>
        Enumerable.Range(0, keys).ToDictionary(i => WorstCaseText.Astral(keyLength, $"{i:D2}"),
            i => (object?)WorstCaseText.Astral(valueLength, $"{i:D2}<\"\\é中>&'+"));

    [Fact]
    public async Task Metadata_at_its_documented_maximum_with_worst_case_characters_is_stored_and_read_back()
    {
        await using var host = await TestHost.StartAsync();
        var apiKey = await host.CreateAccountWithProductAsync();
        string Issue(Dictionary<string, object?> metadata) => RawJson.Of(new Dictionary<string, object?>
        {
            ["productId"] = "my-plugin",
            ["customerEmail"] = "c@example.com",
            ["plan"] = "pro",
            ["metadata"] = metadata,
        });

        var metadata = MaxMetadata();
        var body = Issue(metadata);
        Assert.True(RawJson.Utf8Bytes(body) <= 64 * 1024, $"{RawJson.Utf8Bytes(body)} bytes: not a body the API accepts");
        var created = await host.SendAsync(HttpMethod.Post, "v1/licenses", bearer: apiKey, rawBody: body);
        Assert.True(created.Status == HttpStatusCode.Created, created.Text);
        var id = created.Json.GetProperty("licenseId").GetString();
        var read = (await host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("metadata");
        Assert.Equal(metadata.ToDictionary(kv => kv.Key, kv => (string)kv.Value!), read.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));

        foreach (var (over, field) in new[]
        {
            (MaxMetadata(keys: LicenseService.MaxMetadataKeys + 1), "metadata"),
            (MaxMetadata(keys: 1, keyLength: LicenseService.MaxMetadataKeyLength + 1), "metadata"),
            (MaxMetadata(keys: 1, valueLength: LicenseService.MaxMetadataValueLength + 1), null),
        })
        {
            var refused = (await host.SendAsync(HttpMethod.Post, "v1/licenses", bearer: apiKey, rawBody: Issue(over)))
                .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            var errors = refused.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Contains(errors, e => field is null ? e.StartsWith("metadata.", StringComparison.Ordinal) : e == field);
        }
    }

    /// <summary>
    /// A product body as large as the API accepts, at the documented maxima: 50 plans, 64-character ids, 200-character
    /// names, one plan with 100 features of 64 characters and the others with as many as fit, price ids of 255.
    /// </summary>
    private static Dictionary<string, object?> MaxProduct(int plans = Naming.MaxPlans, int features = Naming.MaxFeatures, int nameLength = Naming.MaxNameLength,
        int featuresPerOtherPlan = 5) => new()
        {
            ["name"] = WorstCaseText.Astral(nameLength),
            ["plans"] = Enumerable.Range(0, plans).Select(i => new Dictionary<string, object?>
            {
                ["id"] = $"{i:D2}-" + new string('p', 61),
                ["name"] = WorstCaseText.Astral(nameLength, $"{i:D2}<\"\\é中>&'+"),
                ["model"] = "seat",
                ["maxActivations"] = 3,
                ["features"] = Enumerable.Range(0, i == 0 ? features : featuresPerOtherPlan).Select(f => $"{i:D2}.{f:D3}:" + new string('f', 57)).ToArray(),
                ["stripePriceIds"] = i < 10 ? new[] { WorstCaseText.Astral(255, "price_") } : Array.Empty<string>(),
            }).ToArray(),
        };

    [Fact]
    public async Task Plans_features_and_price_ids_at_their_documented_maxima_are_stored_and_read_back()
    {
        await using var host = await TestHost.StartAsync();
        var (_, apiKey) = await host.CreateAccountAsync();
        var product = MaxProduct();
        var body = RawJson.Of(product);
        Assert.True(RawJson.Utf8Bytes(body) <= 64 * 1024, $"{RawJson.Utf8Bytes(body)} bytes: not a body the API accepts");
        var put = await host.SendAsync(HttpMethod.Put, "v1/products/big", bearer: apiKey, rawBody: body);
        Assert.True(put.Status == HttpStatusCode.Created, put.Text);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Put, "v1/products/big", bearer: apiKey, rawBody: body)).Status);

        var read = (await host.GetAsync("v1/products/big", apiKey)).Json;
        Assert.Equal((string)product["name"]!, read.GetProperty("name").GetString());
        var sent = (Dictionary<string, object?>[])product["plans"]!;
        var plans = read.GetProperty("plans").EnumerateArray().ToArray();
        Assert.Equal(sent.Length, plans.Length);
        for (var i = 0; i < sent.Length; i++)
        {
            Assert.Equal((string)sent[i]["name"]!, plans[i].GetProperty("name").GetString());
            Assert.Equal((string[])sent[i]["features"]!, plans[i].GetProperty("features").EnumerateArray().Select(f => f.GetString()!));
            Assert.Equal((string[])sent[i]["stripePriceIds"]!, plans[i].GetProperty("stripePriceIds").EnumerateArray().Select(f => f.GetString()!));
        }
        // A license on the plan with 100 features carries them all.
        var license = await host.IssueAsync(apiKey, new { productId = "big", customerEmail = "c@example.com", plan = (string)sent[0]["id"]! });
        Assert.Equal(Naming.MaxFeatures, license.GetProperty("features").GetArrayLength());

        foreach (var (over, field) in new[]
        {
            (MaxProduct(plans: Naming.MaxPlans + 1, featuresPerOtherPlan: 0), "plans"),
            (MaxProduct(plans: 1, features: Naming.MaxFeatures + 1), "plans[0].features"),
            (MaxProduct(plans: 1, nameLength: Naming.MaxNameLength + 1), "name"),
        })
        {
            var refused = (await host.SendAsync(HttpMethod.Put, "v1/products/over", bearer: apiKey, rawBody: RawJson.Of(over)))
                .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), refused.ToString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await host.GetAsync("v1/products/over", apiKey)).Status);
    }

    [Fact]
    public async Task Releases_at_their_documented_maximum_are_stored_and_one_more_is_refused()
    {
        await using var host = await TestHost.StartAsync();
        var (_, apiKey) = await host.CreateAccountAsync();
        Dictionary<string, object?> Product(int releases) => new()
        {
            ["name"] = "P",
            ["plans"] = new[] { new Dictionary<string, object?> { ["id"] = "one", ["model"] = "perpetual", ["maxActivations"] = 1 } },
            ["releases"] = Enumerable.Range(0, releases).ToDictionary(
                i => WorstCaseText.Of(ProductRules.MaxVersionLength, $"{i:D3}.0.0-").Replace("😀", "é\""),
                i => (object?)"2027-01-01T00:00:00Z"),
        };
        var body = RawJson.Of(Product(ProductRules.MaxReleases));
        Assert.True(RawJson.Utf8Bytes(body) <= 64 * 1024, $"{RawJson.Utf8Bytes(body)} bytes: not a body the API accepts");
        var put = await host.SendAsync(HttpMethod.Put, "v1/products/p", bearer: apiKey, rawBody: body);
        Assert.True(put.Status == HttpStatusCode.Created, put.Text);
        Assert.Equal(ProductRules.MaxReleases, (await host.GetAsync("v1/products/p", apiKey)).Json.GetProperty("releases").EnumerateObject().Count());

        var refused = (await host.SendAsync(HttpMethod.Put, "v1/products/p", bearer: apiKey, rawBody: RawJson.Of(Product(ProductRules.MaxReleases + 1))))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(refused.GetProperty("errors").TryGetProperty("releases", out _));
    }

    [Fact]
    public async Task A_trailing_newline_does_not_pass_for_a_product_or_plan_id()
    {
        await using var host = await TestHost.StartAsync();
        var (_, apiKey) = await host.CreateAccountAsync();
        var plan = new[] { new { id = "pro", model = "perpetual", maxActivations = 1 } };
        (await host.PutAsync("v1/products/my-plugin%0A", new { name = "P", plans = plan }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var badPlan = (await host.PutAsync("v1/products/my-plugin",
            new { name = "P", plans = new[] { new { id = "pro\n", model = "perpetual", maxActivations = 1 } } }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(badPlan.GetProperty("errors").TryGetProperty("plans[0].id", out _), badPlan.ToString());

        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync("v1/products/my-plugin", new { name = "P", plans = plan }, apiKey)).Status);
        var issue = (await host.PostAsync("v1/licenses", new { productId = "my-plugin\n", customerEmail = "c@example.com", plan = "pro\n" }, apiKey))
            .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(issue.GetProperty("errors").TryGetProperty("productId", out _), issue.ToString());
        Assert.True(issue.GetProperty("errors").TryGetProperty("plan", out _), issue.ToString());
    }
}
