using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Licensing.Domain.Activity;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Tests.Audit;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Webhooks;

/// <summary>
/// Every event type docs/webhooks.md lists, caused over HTTP (and by the timers that make them) and received by a real
/// listener; <c>usage.limit_reached</c> once per crossing under concurrency and after a stop between the usage write and
/// its journal row.
/// </summary>
public sealed partial class WebhookEventTypeTests : IAsyncLifetime
{
    private readonly FlakyJournal.Control _journal = new();
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Licensing:ActivityFlushSeconds"] = "3600" }, services: s =>
        {
            var original = s.Single(d => d.ServiceType == typeof(IChangeJournal));
            s.Remove(original);
            s.AddSingleton<IChangeJournal>(sp => new FlakyJournal((IChangeJournal)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!),
                _journal));
        }, ownQueues: true);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static object Product => new
    {
        name = "Events",
        plans = new object[]
        {
            new { id = "pro", model = "subscription", durationDays = 365, maxActivations = 3 },
            new { id = "watch", model = "perpetual", maxActivations = 1 },
            new { id = "metered", model = "usage", durationDays = 365, usageLimit = 10L },
        },
    };

    private async Task<(string AccountId, string ApiKey, string EndpointId, string Secret)> SubscribeAsync(WebhookReceiver receiver, string events)
    {
        var (accountId, apiKey, _) = await WebhookTestKit.AccountAsync(_host);
        Assert.Equal(HttpStatusCode.Created, (await _host.PutAsync("v1/products/events", Product, apiKey)).Status);
        var (endpointId, secret) = await WebhookTestKit.EndpointAsync(_host, apiKey, receiver.Uri, events);
        return (accountId, apiKey, endpointId, secret);
    }

    private static string Type(WebhookReceiver.Received r) => WebhookTestKit.Body(r).GetProperty("type").GetString()!;

    private async Task<string> IssueAsync(string apiKey, string plan, params string[] domains) =>
        (await _host.IssueAsync(apiKey, new { productId = "events", customerEmail = "events@example.com", plan, domains }))
        .GetProperty("licenseKey").GetString()!;

    [Fact]
    public async Task Every_documented_event_type_reaches_a_real_listener_signed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, endpointId, secret) = await SubscribeAsync(receiver, "*");
        var l = await _host.IssueAsync(apiKey, new { productId = "events", customerEmail = "events@example.com", plan = "pro" });
        var (id, key) = (l.GetProperty("licenseId").GetString()!, l.GetProperty("licenseKey").GetString()!);
        async Task Ok(HttpMethod method, string path, object? body = null)
        {
            var r = await _host.SendAsync(method, path, body, apiKey);
            Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.Accepted, $"{path}: {r.Text}");
        }
        await Ok(HttpMethod.Patch, $"v1/licenses/{id}", new { metadata = new { orderId = "E-1" } });                      // license.updated
        await Ok(HttpMethod.Post, $"v1/licenses/{id}/suspend");                                                          // license.suspended
        await Ok(HttpMethod.Post, $"v1/licenses/{id}/reinstate");                                                        // license.reinstated
        await Ok(HttpMethod.Post, $"v1/licenses/{id}/renew", new { expiresAt = DateTimeOffset.UtcNow.AddYears(2) });     // license.renewed
        Assert.True((await _host.PostOkAsync("v1/activate", new { key, domain = "one.com" })).GetProperty("activated").GetBoolean());
        Assert.True((await _host.PostOkAsync("v1/deactivate", new { key, domain = "one.com" })).GetProperty("deactivated").GetBoolean());
        await Ok(HttpMethod.Post, $"v1/licenses/{id}/revoke");                                                           // license.revoked
        await Ok(HttpMethod.Delete, $"v1/licenses/{id}");                                                                // license.deleted
        // license.expired: an imported license whose expiry has passed, marked by the expiry timer's job.
        var imported = await _host.PostAsync("v1/licenses/import", new
        {
            productId = "events",
            licenses = new[] { new { key = "OLD-" + Guid.NewGuid().ToString("N"), customerEmail = "old@example.com", plan = "pro", status = "active",
                expiresAt = DateTimeOffset.UtcNow.AddDays(-1) } },
        }, apiKey);
        Assert.Equal(1, imported.Json.GetProperty("imported").GetInt32());
        await _host.Services.GetRequiredService<LifecycleJobs>().MarkExpiredAsync(default);
        // license.sharing_suspected: a one-slot license seen on three sites, then the activity flush.
        var watched = await IssueAsync(apiKey, "watch", "a.com");
        foreach (var domain in new[] { "a.com", "b.com", "c.com" }) await _host.PostAsync("v1/validate", new { key = watched, domain });
        await _host.Services.GetRequiredService<ActivityFlusher>().FlushAsync(default);
        // usage.limit_reached: a metered license reaching its 10 units.
        var metered = await IssueAsync(apiKey, "metered");
        Assert.Equal(HttpStatusCode.OK, (await _host.PostAsync("v1/usage", new { key = metered, quantity = 10, idempotencyKey = "all" })).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await _host.PostAsync($"v1/webhook-endpoints/{endpointId}/test", null, apiKey)).Status);

        string[] documented = ["license.created", "license.updated", "license.suspended", "license.reinstated", "license.revoked", "license.renewed",
            "license.expired", "license.deleted", "activation.created", "activation.deleted", "license.sharing_suspected", "usage.limit_reached", "ping"];
        var deadline = Patience.Deadline;
        while (documented.Except(receiver.Requests.Select(Type)).Any() && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Empty(documented.Except(receiver.Requests.Select(Type)));
        foreach (var r in receiver.Requests) WebhookTestKit.Verify(secret, r);
        var usage = WebhookTestKit.Body(receiver.Requests.Single(r => Type(r) == "usage.limit_reached")).GetProperty("data");
        Assert.Equal(10, usage.GetProperty("changes").GetProperty("usage.used").GetProperty("to").GetInt64());
        Assert.Equal(10, usage.GetProperty("changes").GetProperty("usage.limit").GetProperty("to").GetInt64());
        Assert.Equal("metered", usage.GetProperty("license").GetProperty("plan").GetString());
        var shared = WebhookTestKit.Body(receiver.Requests.Single(r => Type(r) == "license.sharing_suspected")).GetProperty("data");
        Assert.Equal(3, shared.GetProperty("changes").GetProperty("sharing.distinctDomains").GetProperty("to").GetInt32());
        await AuditProbe.WaitForEmptyJournalAsync(accountId);
    }

    [Fact]
    public async Task Thirty_concurrent_reports_crossing_the_limit_make_one_usage_limit_reached_event()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, endpointId, secret) = await SubscribeAsync(receiver, "usage.limit_reached");
        var key = await IssueAsync(apiKey, "metered");
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => _host.PostAsync("v1/usage", new { key, quantity = 1, idempotencyKey = $"r-{i}" }))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(30, answers.Max(a => a.Json.GetProperty("used").GetInt64()));
        // More reports past the limit, and a retry of one already made, change nothing.
        await _host.PostAsync("v1/usage", new { key, quantity = 5, idempotencyKey = "later" });
        await _host.PostAsync("v1/usage", new { key, quantity = 1, idempotencyKey = "r-0" });

        await AuditProbe.WaitForEmptyJournalAsync(accountId);
        var delivered = await WebhookTestKit.WaitForDeliveriesAsync(_host, apiKey, endpointId,
            items => items.Length > 0 && items.All(d => d.GetProperty("status").GetString() == "delivered"));
        Assert.Single(delivered);
        var got = Assert.Single(await receiver.WaitForAsync(1));
        WebhookTestKit.Verify(secret, got);
        Assert.Equal("usage.limit_reached", Type(got));
        var history = await AuditProbe.ListAsync(_host, apiKey);
        Assert.Single(history, h => h.GetProperty("action").GetString() == "usage.limit_reached");
    }

    [Fact]
    public async Task A_stop_between_the_usage_write_and_its_journal_row_is_completed_by_the_retry_with_one_event()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, endpointId, _) = await SubscribeAsync(receiver, "usage.limit_reached");
        var key = await IssueAsync(apiKey, "metered");
        _journal.FailOnceFor(accountId);

        var failed = await _host.PostAsync("v1/usage", new { key, quantity = 12, idempotencyKey = "big" });
        failed.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.True(_journal.Failed(accountId));
        Assert.DoesNotContain(AuditProbe.JournalRows(accountId), r => (r.GetString("Record") ?? "").Contains("usage.limit_reached", StringComparison.Ordinal));

        var retried = await _host.PostAsync("v1/usage", new { key, quantity = 12, idempotencyKey = "big" });
        Assert.True(retried.Status == HttpStatusCode.OK, retried.Text);
        Assert.True(retried.Json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(12, retried.Json.GetProperty("used").GetInt64());
        await _host.PostAsync("v1/usage", new { key, quantity = 1, idempotencyKey = "after" });

        await AuditProbe.WaitForEmptyJournalAsync(accountId);
        var delivered = await WebhookTestKit.WaitForDeliveriesAsync(_host, apiKey, endpointId,
            items => items.Length > 0 && items.All(d => d.GetProperty("status").GetString() == "delivered"));
        Assert.Single(delivered);
        Assert.Equal(12, WebhookTestKit.Body(Assert.Single(await receiver.WaitForAsync(1))).GetProperty("data").GetProperty("changes")
            .GetProperty("usage.used").GetProperty("to").GetInt64());
        Assert.Single(await AuditProbe.ListAsync(_host, apiKey), h => h.GetProperty("action").GetString() == "usage.limit_reached");
    }
}

public sealed partial class WebhookEventTypeTests
{
    /// <summary>A one-slot license seen on three sites (the sharing signal), then validated once more; its id.</summary>
    private async Task<(string Key, string Id)> SharedLicenseAsync(string apiKey)
    {
        var key = await IssueAsync(apiKey, "watch", "a.com");
        string? id = null;
        foreach (var domain in new[] { "a.com", "b.com", "c.com" })
            id = (await _host.PostOkAsync("v1/validate", new { key, domain })).GetProperty("license").GetProperty("id").GetString();
        return (key, id!);
    }

    private async Task<JsonElement[]> OneDeliveredAsync(string accountId, string apiKey, string endpointId, WebhookReceiver receiver, string type)
    {
        await AuditProbe.WaitForEmptyJournalAsync(accountId);
        var delivered = await WebhookTestKit.WaitForDeliveriesAsync(_host, apiKey, endpointId,
            items => items.Length > 0 && items.All(d => d.GetProperty("status").GetString() == "delivered"));
        Assert.Equal(type, Type(Assert.Single(await receiver.WaitForAsync(1))));
        Assert.Single(await AuditProbe.ListAsync(_host, apiKey), h => h.GetProperty("action").GetString() == type);
        return delivered;
    }

    [Fact]
    public async Task The_sharing_record_survives_a_fault_between_the_activity_write_and_the_journal_and_is_sent_once()
    {
        var flusher = _host.Services.GetRequiredService<ActivityFlusher>();
        // Normal path: the record is journaled after the firing write and again after the next one: one event.
        await using (var receiver = await WebhookReceiver.StartAsync())
        {
            var (accountId, apiKey, endpointId, _) = await SubscribeAsync(receiver, "license.sharing_suspected");
            var (key, _) = await SharedLicenseAsync(apiKey);
            await flusher.FlushAsync(default);
            await _host.PostOkAsync("v1/validate", new { key, domain = "a.com" });
            await flusher.FlushAsync(default);
            Assert.Single(await OneDeliveredAsync(accountId, apiKey, endpointId, receiver, "license.sharing_suspected"));
        }
        // A fault after the activity write, before the journal row: the next flush of the license journals it.
        await using (var receiver = await WebhookReceiver.StartAsync())
        {
            var (accountId, apiKey, endpointId, secret) = await SubscribeAsync(receiver, "license.sharing_suspected");
            var (key, id) = await SharedLicenseAsync(apiKey);
            _journal.FailOnceFor(accountId);
            await Assert.ThrowsAsync<ServiceUnavailableException>(() => flusher.FlushAsync(default));
            Assert.True(_journal.Failed(accountId));
            Assert.True((await _host.GetAsync($"v1/licenses/{id}", apiKey)).Json.GetProperty("sharing").GetProperty("suspected").GetBoolean());
            await AuditProbe.WaitForEmptyJournalAsync(accountId);
            Assert.DoesNotContain(await AuditProbe.ListAsync(_host, apiKey), h => h.GetProperty("action").GetString() == "license.sharing_suspected");

            await _host.PostOkAsync("v1/validate", new { key, domain = "a.com" });
            await flusher.FlushAsync(default);
            await _host.PostOkAsync("v1/validate", new { key, domain = "a.com" });
            await flusher.FlushAsync(default);
            Assert.Single(await OneDeliveredAsync(accountId, apiKey, endpointId, receiver, "license.sharing_suspected"));
            WebhookTestKit.Verify(secret, receiver.Requests.Single());
        }
    }
}

/// <summary>The change journal, failing its next non-license write for an account once, as a storage fault would.</summary>
public sealed class FlakyJournal(IChangeJournal inner, FlakyJournal.Control control) : IChangeJournal
{
    public sealed class Control
    {
        private readonly ConcurrentDictionary<string, int> _state = new();
        public void FailOnceFor(string accountId) => _state[accountId] = 1;
        public bool Failed(string accountId) => _state.TryGetValue(accountId, out var s) && s == 2;
        internal bool Take(string accountId) => _state.TryUpdate(accountId, 2, 1);
    }

    public Task AddAsync(ChangeRecord record, CancellationToken ct) =>
        control.Take(record.AccountId) ? throw new ServiceUnavailableException("storage fault (test)") : inner.AddAsync(record, ct);

    public Task<ChangeRecord?> GetAsync(string accountId, string changeId, CancellationToken ct) => inner.GetAsync(accountId, changeId, ct);
    public IAsyncEnumerable<ChangeRecord> QueryAsync(DateTimeOffset before, CancellationToken ct) => inner.QueryAsync(before, ct);
    public Task<IReadOnlyList<ChangeRecord>> ListAsync(string accountId, CancellationToken ct) => inner.ListAsync(accountId, ct);
    public Task<bool> ReplaceAsync(ChangeRecord record, CancellationToken ct) => inner.ReplaceAsync(record, ct);
    public Task DeleteAsync(string accountId, string changeId, CancellationToken ct) => inner.DeleteAsync(accountId, changeId, ct);
}
