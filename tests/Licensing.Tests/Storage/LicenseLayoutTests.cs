using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Activations;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Functions.Licenses;
using Licensing.Functions.Products;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Storage;

/// <summary>
/// The licenses table layout (docs/storage.md): a license entity with its activation index, one row per activation
/// beside it, license queries that never see activation rows, licenses stored by the older inline layout read as
/// before and moved on their next write; and entities that fit Azure's limits at the documented maxima.
/// </summary>
public sealed class LicenseLayoutTests(SharedHost shared, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static TableClient Licenses => new(TestHost.Azurite, "licenses");

    /// <summary>A license with every stored field at its documented maximum, in the worst characters.</summary>
    private static License WorstLicense() => new()
    {
        AccountId = "acct_0123456789abcdef",
        Id = "lic_0123456789abcdef01234567",
        ProductId = new string('p', 64),
        Plan = new string('q', 64),
        Model = LicenseModel.Seat,
        Status = LicenseStatus.Suspended,
        StatusReason = "sharing",
        CustomerEmail = new string('c', 64) + "@" + new string('d', 185) + ".com",
        Features = [.. Enumerable.Range(0, Naming.MaxFeatures).Select(i => $"{i:D3}:" + new string('f', 60))],
        Activations = [.. Enumerable.Range(0, ActivationRules.HardCap)
            .Select(i => new ActivationRef(ActivationRules.IdFor(new ActivationTarget(null, $"fp{i}")), ActivationKind.Fingerprint))],
        DevelopmentHosts = [.. Enumerable.Range(0, Licensing.Domain.Products.ProductRules.MaxDevelopmentHostsLimit).Select(i => new DevelopmentHostUse(
            $"{i:D3}" + new string('h', 56) + "." + new string('h', 63) + "." + new string('h', 63) + "." + new string('h', 60) + ".test", Now))],
        Deactivations = [.. Enumerable.Range(0, 1000).Select(i => Now.AddSeconds(-i))],
        RedeemedCodes = [.. Enumerable.Range(0, 100).Select(i => new string((char)('a' + i % 26), 64))],
        MaxActivations = ActivationRules.HardCap,
        ExpiresAt = Now.AddYears(1),
        UpdatesUntil = Now.AddYears(1),
        BillingState = Licensing.Domain.Billing.BillingState.PastDue,
        BillingUpdatedAt = Now,
        CreatedAt = Now,
        UpdatedAt = Now,
        Metadata = Enumerable.Range(0, LicenseService.MaxMetadataKeys).ToDictionary(
            i => WorstCaseText.Astral(LicenseService.MaxMetadataKeyLength, $"{i:D2}"), i => WorstCaseText.Astral(LicenseService.MaxMetadataValueLength)),
        Key = new string('K', 128),
    };

    [Fact]
    public void A_license_at_every_documented_maximum_fits_in_one_entity()
    {
        var license = WorstLicense();
        var entity = LicenseEntities.ToEntity(license);
        output.WriteLine($"worst-case license entity: {EntitySize.AssertFits(entity)} bytes");
        Assert.Null(entity.GetString("Metadata" + LicenseService.MaxMetadataStoredChunks)); // within its budget
        var read = LicenseEntities.FromEntity(entity);
        Assert.Equal(license.Metadata, read.Metadata);
        Assert.Equal(license.Activations, read.Activations);
        Assert.Equal(license.DevelopmentHosts, read.DevelopmentHosts);
        Assert.Equal(license.Deactivations, read.Deactivations);
    }

    [Fact]
    public void A_product_at_its_stored_budgets_fits_in_one_entity_and_past_them_is_refused_naming_the_field()
    {
        Plan PlanOf(int i, int features) => new($"{i:D2}-" + new string('p', 61), WorstCaseText.Astral(Naming.MaxNameLength), LicenseModel.Seat, null, 3,
            [.. Enumerable.Range(0, features).Select(f => $"{f:D3}:" + new string('f', 60))], PlanPolicy.Default)
        { StripePriceIds = [WorstCaseText.Astral(255, "price_")] };
        Product ProductOf(int plans, int features, int releases) =>
            new("acct_0123456789abcdef", new string('p', 64), WorstCaseText.Astral(Naming.MaxNameLength),
            [.. Enumerable.Range(0, plans).Select(i => PlanOf(i, features))], Now, Now,
            new DevelopmentHostPolicy(true,
                [.. Enumerable.Range(0, ProductRules.MaxDevelopmentPatterns).Select(i => $"*.{i:D2}" + new string('h', 60) + "." + new string('h', 63) + "."
                    + new string('h', 63) + "." + new string('h', 55) + ".com")]))
            {
                Releases = Enumerable.Range(0, releases).ToDictionary(i => WorstCaseText.Astral(ProductRules.MaxVersionLength, $"{i:D3}"), _ => Now),
            };

        // More than any 64 KiB body can hold, still within the budgets: the entity fits Azure's limits.
        var largest = ProductOf(Naming.MaxPlans, 20, ProductRules.MaxReleases);
        var entity = ProductTableStore.ToEntity(largest);
        output.WriteLine($"product entity at its budgets: {EntitySize.AssertFits(entity)} bytes");
        Assert.NotNull(entity.GetString("Plans" + (ProductRules.MaxPlansStoredChunks - 1)));
        Assert.Equal(largest.Releases, ProductTableStore.FromEntity(entity).Releases);

        var plans = Assert.Throws<ValidationFailedException>(() => ProductTableStore.ToEntity(ProductOf(Naming.MaxPlans, Naming.MaxFeatures, 1)));
        Assert.Contains("at most", Assert.Single(plans.Errors["plans"]));
        var releases = Assert.Throws<ValidationFailedException>(() => ProductTableStore.ToEntity(ProductOf(1, 1, ProductRules.MaxReleases * 2)));
        Assert.True(releases.Errors.ContainsKey("releases"));
    }

    [Fact]
    public void Metadata_past_its_stored_budget_is_refused_naming_the_field()
    {
        var license = WorstLicense() with
        {
            Metadata = Enumerable.Range(0, 60).ToDictionary(i => $"k{i}", _ => WorstCaseText.Astral(600)),
        };
        var e = Assert.Throws<ValidationFailedException>(() => LicenseEntities.ToEntity(license));
        Assert.True(e.Errors.ContainsKey("metadata"));
    }

    [Fact]
    public async Task Activations_are_rows_beside_the_license_and_license_queries_never_see_them()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var l = await Host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro", domains = new[] { "a.com", "b.com", "*.c.com" } });
        var id = l.GetProperty("licenseId").GetString()!;

        var stored = Licenses.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")).ToArray();
        Assert.Equal([id], stored.Where(e => e.RowKey.StartsWith("lic_", StringComparison.Ordinal)).Select(e => e.RowKey));
        Assert.Equal(3, stored.Count(e => e.RowKey.StartsWith(ActivationRows.Prefix + id + "|", StringComparison.Ordinal)));
        Assert.Null(stored.Single(e => e.RowKey == id).GetString("Activations"));

        var list = (await Host.GetAsync("v1/licenses", apiKey)).Json.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([id], list.Select(i => i.GetProperty("licenseId").GetString()));
        Assert.Equal(["a.com", "b.com", "*.c.com"], list[0].GetProperty("domains").EnumerateArray().Select(d => d.GetString()));

        var scan = Host.Services.GetRequiredService<ILicenseScan>();
        var all = new List<License>();
        await foreach (var x in scan.QueryAllAsync(default)) if (x.AccountId == accountId) all.Add(x);
        Assert.Equal([id], all.Select(x => x.Id));
        var expiring = new List<License>();
        await foreach (var x in scan.QueryActiveExpiringBetweenAsync(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(400),
            default)) if (x.AccountId == accountId) expiring.Add(x);
        Assert.Equal([id], expiring.Select(x => x.Id));

        // Deactivating removes the row with the index entry.
        Assert.True((await Host.PostAsync("v1/deactivate",
            new { key = l.GetProperty("licenseKey").GetString(), domain = "b.com" })).Json.GetProperty("deactivated").GetBoolean());
        Assert.Equal(2,
            Licenses.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")).Count(e => e.RowKey.StartsWith(ActivationRows.Prefix,
                StringComparison.Ordinal)));
    }

    /// <summary>The entity as the older code stored it: activations inline, JSON with the default (escaping) encoder.</summary>
    private static async Task StoreInOlderLayoutAsync(string accountId, string licenseId, params object[] activations)
    {
        var current = (await Licenses.GetEntityAsync<TableEntity>(accountId, licenseId)).Value;
        var legacy = new TableEntity(accountId, licenseId);
        foreach (var name in new[] { "ProductId", "Plan", "Model", "Status", "CustomerEmail", "CustomerEmailKey", "Features", "MaxActivations", "ExpiresAt",
            "ExpiresSort", "CreatedAt", "UpdatedAt", "LicenseKey" })
            legacy[name] = current[name];
        legacy["Activations"] = JsonSerializer.Serialize(activations);
        legacy["Deactivations"] = JsonSerializer.Serialize(new[] { DateTimeOffset.UtcNow.AddDays(-1) });
        legacy["RedeemedCodes"] = "[]";
        legacy["Metadata"] = JsonSerializer.Serialize(new Dictionary<string, string> { ["note"] = "<é> & \"quoted\"" });
        await Licenses.UpsertEntityAsync(legacy, TableUpdateMode.Replace);
    }

    [Fact]
    public async Task A_license_stored_by_the_older_layout_reads_the_same_and_moves_its_activations_out_on_the_next_write()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var l = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" });
        var (id, lk) = (l.GetProperty("licenseId").GetString()!, l.GetProperty("licenseKey").GetString()!);
        var created = DateTimeOffset.UtcNow.AddDays(-3);
        await StoreInOlderLayoutAsync(accountId, id,
            new { I = ActivationRules.IdFor("a.com"), D = "a.com", F = (string?)null, N = "Shop", C = created },
            new { I = ActivationRules.IdFor(new ActivationTarget(null, "fp-1")), D = (string?)null, F = "fp-1", N = "Ann's laptop", C = created });

        var before = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal(2, before.GetProperty("activationsUsed").GetInt32());
        Assert.Equal(["Shop", "Ann's laptop"], before.GetProperty("activations").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal("<é> & \"quoted\"", before.GetProperty("metadata").GetProperty("note").GetString());
        Assert.Equal("VALID", (await Host.PostAsync("v1/validate", new { key = lk, domain = "a.com" })).Json.GetProperty("code").GetString());
        Assert.Equal("VALID", (await Host.PostAsync("v1/validate", new { key = lk, fingerprint = "fp-1" })).Json.GetProperty("code").GetString());

        // The next write (an auto-activation) moves them to rows in the same transaction.
        Assert.Equal("VALID", (await Host.PostAsync("v1/validate", new { key = lk, domain = "b.com" })).Json.GetProperty("code").GetString());
        var entity = (await Licenses.GetEntityAsync<TableEntity>(accountId, id)).Value;
        Assert.Null(entity.GetString("Activations"));
        Assert.NotNull(entity.GetBinary("ActivationIndex"));
        Assert.Equal(3,
            Licenses.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")).Count(e => e.RowKey.StartsWith(ActivationRows.Prefix
                + id, StringComparison.Ordinal)));
        var after = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal(["Shop", "Ann's laptop", null], after.GetProperty("activations").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(created.ToUnixTimeSeconds(),
            DateTimeOffset.Parse(after.GetProperty("activations")[0].GetProperty("createdAt").GetString()!,
                System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds());
        Assert.Equal("<é> & \"quoted\"", after.GetProperty("metadata").GetProperty("note").GetString());
        Assert.True((await Host.PostAsync("v1/deactivate", new { key = lk, fingerprint = "fp-1" })).Json.GetProperty("deactivated").GetBoolean());
        Assert.Equal(["a.com", "b.com"],
            (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task An_older_license_whose_first_write_removes_an_inline_activation_keeps_the_others()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var l = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" });
        var (id, lk) = (l.GetProperty("licenseId").GetString()!, l.GetProperty("licenseKey").GetString()!);
        await StoreInOlderLayoutAsync(accountId, id,
            new { I = ActivationRules.IdFor("a.com"), D = "a.com", F = (string?)null, N = (string?)null, C = DateTimeOffset.UtcNow },
            new { I = ActivationRules.IdFor("b.com"), D = "b.com", F = (string?)null, N = "Blog", C = DateTimeOffset.UtcNow });

        var r = await Host.PostAsync("v1/deactivate", new { key = lk, domain = "a.com" });
        Assert.True(r.Status == HttpStatusCode.OK && r.Json.GetProperty("deactivated").GetBoolean(), r.Text);
        var after = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json;
        Assert.Equal(["b.com"], after.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("Blog", after.GetProperty("activations")[0].GetProperty("name").GetString());
        Assert.Null((await Licenses.GetEntityAsync<TableEntity>(accountId, id)).Value.GetString("Activations"));
    }

    [Fact]
    public async Task More_rows_than_one_transaction_holds_are_written_too()
    {
        // Issuance with 100 domains: the license and 99 rows in one transaction, the 100th upserted just before.
        var (accountId, apiKey) = await Host.CreateAccountAsync();
        Assert.Equal(HttpStatusCode.Created,
            (await Host.PutAsync("v1/products/p", new { name = "P", plans = new[] { new { id = "big", model = "perpetual", maxActivations = 200 } } },
                apiKey)).Status);
        var domains = Enumerable.Range(0, Licensing.Domain.Licenses.LicenseService.MaxDomains).Select(i => $"site{i}.com").ToArray();
        var l = await Host.IssueAsync(apiKey, new { productId = "p", customerEmail = "c@example.com", plan = "big", domains });
        Assert.Equal(domains, l.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));

        // An older license with 150 inline activations moves them all on its next write.
        var id = l.GetProperty("licenseId").GetString()!;
        await StoreInOlderLayoutAsync(accountId, id, [.. Enumerable.Range(0, 150).Select(i =>
            (object)new { I = ActivationRules.IdFor(new ActivationTarget(null, $"fp-{i}")), D = (string?)null, F = $"fp-{i}", N = $"Seat {i}",
                C = DateTimeOffset.UtcNow })]);
        var r = await Host.PostOkAsync("v1/activate", new { key = l.GetProperty("licenseKey").GetString(), fingerprint = "fp-new", name = "New seat" });
        Assert.Equal(151, r.GetProperty("activationsUsed").GetInt32());
        Assert.Null((await Licenses.GetEntityAsync<TableEntity>(accountId, id)).Value.GetString("Activations"));
        var after = (await Host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("activations").EnumerateArray().ToArray();
        Assert.Equal([.. Enumerable.Range(0, 150).Select(i => $"Seat {i}"), "New seat"], after.Select(a => a.GetProperty("name").GetString()));
    }
}
