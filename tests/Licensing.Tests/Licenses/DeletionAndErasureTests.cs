using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Domain.Activity;
using Licensing.Domain.KeyAliases;
using Licensing.Tests.Audit;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Licenses;

/// <summary>Vendor removal of an activation, license deletion and customer erasure, over HTTP against Azurite.</summary>
public sealed class DeletionAndErasureTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private Task<ApiResponse> DeleteAsync(string path, string apiKey) => Host.SendAsync(HttpMethod.Delete, path, bearer: apiKey);

    [Fact]
    public async Task The_vendor_frees_a_slot_without_touching_the_customers_deactivation_cap()
    {
        var apiKey = (await Host.CreateAccountAsync()).ApiKey;
        Assert.Equal(HttpStatusCode.Created, (await Host.PutAsync("v1/products/capped", new
        {
            name = "Capped",
            plans = new[] { new { id = "one", model = "perpetual", maxActivations = 3, maxDeactivationsPer30Days = 1 } },
        }, apiKey)).Status);
        var l = await Host.IssueAsync(apiKey,
            new { productId = "capped", customerEmail = "c@example.com", plan = "one", domains = new[] { "a.com", "b.com", "c.com" } });
        var id = l.GetProperty("licenseId").GetString()!;
        var key = l.GetProperty("licenseKey").GetString()!;
        string ActivationOf(JsonElement license, string domain) =>
            license.GetProperty("activations").EnumerateArray().Single(a => a.GetProperty("domain").GetString() == domain).GetProperty("id").GetString()!;

        var removed = await DeleteAsync($"v1/licenses/{id}/activations/{ActivationOf(l, "a.com")}", apiKey);
        Assert.True(removed.Status == HttpStatusCode.OK, removed.Text);
        Assert.Equal(["b.com", "c.com"], removed.Json.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, removed.Json.GetProperty("activationsUsed").GetInt32());
        // The customer's one deactivation in 30 days is still there: the vendor's removal did not use it.
        Assert.True((await Host.PostOkAsync("v1/deactivate", new { key, domain = "b.com" })).GetProperty("deactivated").GetBoolean());
        Assert.Equal("DEACTIVATION_LIMIT_REACHED", (await Host.PostOkAsync("v1/deactivate", new { key, domain = "c.com" })).GetProperty("code").GetString());
        // Past the customer's cap the vendor still frees slots.
        var last = await DeleteAsync($"v1/licenses/{id}/activations/{ActivationOf(l, "c.com")}", apiKey);
        Assert.Equal(0, last.Json.GetProperty("activationsUsed").GetInt32());
        (await DeleteAsync($"v1/licenses/{id}/activations/{ActivationOf(l, "c.com")}", apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await DeleteAsync($"v1/licenses/{id}/activations/act_nope", apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        // The slot is free for a new site, and the history names who did what.
        Assert.True((await Host.PostOkAsync("v1/activate", new { key, domain = "new.com" })).GetProperty("activated").GetBoolean());
        var history = await AuditProbe.WaitForHistoryAsync(Host, apiKey, id, 5);
        Assert.Equal([("activation.created", "customer"), ("activation.deleted", "apiKey"), ("activation.deleted", "customer"),
            ("activation.deleted", "apiKey"), ("license.created", "apiKey")],
            history.Select(h => (h.GetProperty("action").GetString(), h.GetProperty("actor").GetProperty("type").GetString())));
    }

    [Fact]
    public async Task A_deleted_license_validates_as_not_found_and_its_personal_data_is_gone_while_counts_stay()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var email = $"deleted.{Guid.NewGuid():N}@example.com";
        var phone = $"+1 555 {Random.Shared.Next(100_000_000):D9}";
        var l = await Host.IssueAsync(apiKey, new
        {
            productId = "my-plugin",
            customerEmail = email,
            plan = "pro",
            domains = new[] { "site.com" },
            metadata = new { phone },
        });
        var id = l.GetProperty("licenseId").GetString()!;
        var key = l.GetProperty("licenseKey").GetString()!;
        Assert.Equal("VALID", (await Host.PostOkAsync("v1/validate", new { key, domain = "site.com" })).GetProperty("code").GetString());
        await Host.Services.GetRequiredService<ActivityFlusher>().FlushAsync(default);
        var activity = new TableClient(TestHost.Azurite, "licenseactivity");
        Assert.NotNull(activity.GetEntityIfExists<TableEntity>(accountId, id).Value); // the sites it was validated on
        await AuditProbe.WaitForHistoryAsync(Host, apiKey, id, 1);
        var issued = (await Host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt64();

        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAsync($"v1/licenses/{id}", apiKey)).Status);
        Assert.Equal("NOT_FOUND", (await Host.PostOkAsync("v1/validate", new { key, domain = "site.com" })).GetProperty("code").GetString());
        Assert.False((await Host.PostOkAsync("v1/activate", new { key, domain = "other.com" })).GetProperty("activated").GetBoolean());
        (await Host.GetAsync($"v1/licenses/{id}", apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await DeleteAsync($"v1/licenses/{id}", apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(issued, (await Host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt64());

        var history = await AuditProbe.WaitForHistoryAsync(Host, apiKey, id, 2);
        Assert.Equal(["license.deleted", "license.created"], history.Select(h => h.GetProperty("action").GetString()));
        await AuditProbe.WaitForEmptyJournalAsync(accountId);
        StorageScan.AssertAbsent(email);
        StorageScan.AssertAbsent(phone);
        Assert.DoesNotContain(new TableClient(TestHost.Azurite, "licenses").Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")),
            e => e.RowKey.Contains(id, StringComparison.Ordinal));
        Assert.False(activity.GetEntityIfExists<TableEntity>(accountId, id).HasValue); // its activity went with it
    }

    [Fact]
    public async Task Activity_recorded_just_before_a_deletion_is_not_written_back_after_it()
    {
        // This host flushes only when the test says, so the validation's activity is still pending when the license is deleted.
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Licensing:ActivityFlushSeconds"] = "3600" });
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        var l = await host.IssueAsync(apiKey);
        var id = l.GetProperty("licenseId").GetString()!;
        var flusher = host.Services.GetRequiredService<ActivityFlusher>();
        var activity = new TableClient(TestHost.Azurite, "licenseactivity");
        await host.PostOkAsync("v1/validate", new { key = l.GetProperty("licenseKey").GetString(), domain = "customer-site.com" });
        await flusher.FlushAsync(default);
        Assert.True(activity.GetEntityIfExists<TableEntity>(accountId, id).HasValue);

        await host.PostOkAsync("v1/validate", new { key = l.GetProperty("licenseKey").GetString(), domain = "second-site.com" });
        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, $"v1/licenses/{id}", bearer: apiKey)).Status);
        Assert.Equal(1, await flusher.FlushAsync(default)); // the pending activity: its remembered row is gone, and so is its license

        Assert.False(activity.GetEntityIfExists<TableEntity>(accountId, id).HasValue);
        Assert.Equal(0, await flusher.FlushAsync(default)); // dropped, not put back for a later flush
    }

    [Fact]
    public async Task Deleting_a_license_removes_the_rows_of_its_alias_keys()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var id = (await Host.IssueAsync(apiKey)).GetProperty("licenseId").GetString()!;
        var alias = Guid.NewGuid().ToString();
        await Host.Services.GetRequiredService<KeyAliasService>().AttachAsync(accountId, id, alias, Licensing.Domain.Audit.Actor.Admin, default);
        var rows = new TableClient(TestHost.Azurite, "keyaliases");
        Assert.True(rows.GetEntityIfExists<TableEntity>(KeyAlias.Hash(alias), "").HasValue);

        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAsync($"v1/licenses/{id}", apiKey)).Status);
        Assert.Equal("NOT_FOUND", (await Host.PostOkAsync("v1/validate", new { key = alias })).GetProperty("code").GetString());
        Assert.False(rows.GetEntityIfExists<TableEntity>(KeyAlias.Hash(alias), "").HasValue);
    }

    [Fact]
    public async Task Erasure_removes_the_address_from_every_table_and_the_licenses_keep_working()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var email = $"Erase.Me.{Guid.NewGuid():N}@Example.com";
        var other = $"keep.{Guid.NewGuid():N}@example.com";
        var a = await Host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = email, plan = "pro", metadata = new { contact = email, orderId = "A-1" } });
        var b = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = email.ToLowerInvariant(), plan = "business" });
        var transferred = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = email.ToUpperInvariant(), plan = "pro" });
        var kept = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = other, plan = "pro", metadata = new { orderId = "K-1" } });
        var keyA = a.GetProperty("licenseKey").GetString()!;
        var keyB = b.GetProperty("licenseKey").GetString()!;
        var named = await Host.PostOkAsync("v1/activate", new { key = keyA, domain = "named.com", name = $"{email}'s site" });
        Assert.True(named.GetProperty("activated").GetBoolean());
        var transferredId = transferred.GetProperty("licenseId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Patch, $"v1/licenses/{transferredId}", new { customerEmail = other }, apiKey)).Status);
        var aId = a.GetProperty("licenseId").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await Host.PostAsync($"v1/licenses/{aId}/resend-email", new { }, apiKey)).Status);
        // The address also reaches a webhook endpoint's delivery bodies, a payment provider's raw event and a redeemed code.
        await using var receiver = await Webhooks.WebhookReceiver.StartAsync();
        var (endpointId, _) = await Webhooks.WebhookTestKit.EndpointAsync(Host, apiKey, receiver.Uri, "*");
        Assert.Equal(HttpStatusCode.NoContent, (await Host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret }, apiKey)).Status);
        var checkout = StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), email));
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(Host, accountId, checkout)).Status);
        var code = (await Host.PostAsync("v1/products/my-plugin/code-batches", new { plan = "lifetime", count = 1 }, apiKey)).Json
            .GetProperty("codes")[0].GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Host.PostAsync("v1/redeem", new { accountId, code, email })).Status);
        var deadline = Patience.Deadline;
        while ((await Host.GetAsync("v1/licenses?customerEmail=" + Uri.EscapeDataString(email), apiKey)).Json.GetProperty("items").GetArrayLength() < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, "the checkout was not provisioned");
            await Task.Delay(100);
        }
        await AuditProbe.WaitForEmptyJournalAsync(accountId);
        await Webhooks.WebhookTestKit.WaitForDeliveriesAsync(Host, apiKey, endpointId, items => items.Length >= 2);
        var before = StorageScan.Find(email);
        string[] holders = ["licenses", "auditlog", "emailoutbox", "webhookdeliveries", "stripeevents", "redeemcodes"];
        var missing = holders.Where(t => !before.Any(f => f.StartsWith(t + "/", StringComparison.Ordinal))).ToArray();
        Assert.True(missing.Length == 0, "the address was not stored in " + string.Join(", ", missing));
        var issued = (await Host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt64();

        var erased = await Host.PostAsync("v1/customers/erase", new { email = email.ToUpperInvariant() }, apiKey);
        Assert.True(erased.Status == HttpStatusCode.OK, erased.Text);
        Assert.Equal(4, erased.Json.GetProperty("licensesErased").GetInt32());
        await AuditProbe.WaitForEmptyJournalAsync(accountId);
        // Deliveries the erasure's own changes make carry no address; wait for them, then look everywhere.
        await Webhooks.WebhookTestKit.WaitForDeliveriesAsync(Host, apiKey, endpointId,
            items => items.All(d => d.GetProperty("status").GetString() != "pending"));
        StorageScan.AssertAbsent(email);

        // The licenses keep working and counting; what they held of the customer is gone; the other customer's data stays.
        Assert.Equal("VALID", (await Host.PostOkAsync("v1/validate", new { key = keyA, domain = "named.com" })).GetProperty("code").GetString());
        Assert.Equal("VALID", (await Host.PostOkAsync("v1/validate", new { key = keyB, domain = "x.com" })).GetProperty("code").GetString());
        var got = (await Host.GetAsync($"v1/licenses/{aId}", apiKey)).Json;
        Assert.Equal("", got.GetProperty("customerEmail").GetString());
        Assert.Empty(got.GetProperty("metadata").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, got.GetProperty("activations").EnumerateArray().Single(x => x.GetProperty("domain").GetString() == "named.com")
            .GetProperty("name").ValueKind);
        Assert.Equal(issued, (await Host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt64());
        Assert.Equal(6, (await Host.GetAsync("v1/licenses", apiKey)).Json.GetProperty("items").GetArrayLength());
        var keptNow = (await Host.GetAsync($"v1/licenses/{kept.GetProperty("licenseId").GetString()}", apiKey)).Json;
        Assert.Equal(("K-1", other), (keptNow.GetProperty("metadata").GetProperty("orderId").GetString(), keptNow.GetProperty("customerEmail").GetString()));
        var history = await AuditProbe.ListAsync(Host, apiKey, $"licenseId={aId}");
        Assert.Equal("license.updated", history[0].GetProperty("action").GetString());
        Assert.Equal("[erased]", history[0].GetProperty("changes").GetProperty("customerEmail").GetProperty("from").GetString());
        // Erasing again finds nothing; a malformed address is refused.
        Assert.Equal(0, (await Host.PostAsync("v1/customers/erase", new { email }, apiKey)).Json.GetProperty("licensesErased").GetInt32());
        var bad = (await Host.PostAsync("v1/customers/erase", new { email = "nope" }, apiKey)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(bad.GetProperty("errors").TryGetProperty("email", out _));
    }
}

/// <summary>
/// Every table of the storage account, read whole from Azurite, every blob (names, and contents up to 1 MiB) and the
/// messages waiting in every queue (the first 32 of each), for a value in any case.
/// </summary>
public static class StorageScan
{
    public static List<string> Find(string value)
    {
        var service = new TableServiceClient(TestHost.Azurite);
        var found = new List<string>();
        bool Has(string? s) => s is not null && s.Contains(value, StringComparison.OrdinalIgnoreCase);
        foreach (var table in service.Query())
            foreach (var e in service.GetTableClient(table.Name).Query<TableEntity>())
                foreach (var (name, v) in e.Append(new("PartitionKey", e.PartitionKey)).Append(new("RowKey", e.RowKey)))
                    if ((v is string s && Has(s)) || (v is byte[] b && Has(System.Text.Encoding.UTF8.GetString(b))))
                        found.Add($"{table.Name}/{e.PartitionKey}/{e.RowKey}/{name}");
        var blobs = new Azure.Storage.Blobs.BlobServiceClient(TestHost.Azurite);
        foreach (var container in blobs.GetBlobContainers())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            foreach (var blob in client.GetBlobs())
                if (Has(blob.Name)
                    || (blob.Properties.ContentLength <= 1 << 20 && Has(client.GetBlobClient(blob.Name).DownloadContent().Value.Content.ToString())))
                    found.Add($"blob {container.Name}/{blob.Name}");
        }
        var queues = new Azure.Storage.Queues.QueueServiceClient(TestHost.Azurite);
        foreach (var queue in queues.GetQueues())
            foreach (var m in queues.GetQueueClient(queue.Name).PeekMessages(32).Value)
                if (Has(m.Body.ToString())) found.Add($"queue {queue.Name}/{m.MessageId}");
        return found;
    }

    public static void AssertAbsent(string value)
    {
        var found = Find(value);
        Assert.True(found.Count == 0, $"'{value}' is still stored at:\n" + string.Join("\n", found));
    }
}
