using System.Net;
using Licensing.Domain.Audit;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Webhooks;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Webhooks;

/// <summary>
/// The webhook consumer of the change journal, fed change records directly (as the journal's fan-out hands them over),
/// against a real host, Azurite and a real receiver.
/// </summary>
public sealed class WebhookConsumerTests : IAsyncLifetime
{
    private readonly FlakyWebhookQueue.Control _queue = new();
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(services: s =>
        {
            var original = s.Single(d => d.ServiceType == typeof(IWebhookQueue));
            s.Remove(original);
            s.AddSingleton<IWebhookQueue>(sp => new FlakyWebhookQueue((IWebhookQueue)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!),
                _queue));
        }, ownQueues: true);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private WebhookChangeConsumer Consumer => _host.Services.GetServices<IChangeConsumer>().OfType<WebhookChangeConsumer>().Single();

    private static ChangeRecord Change(string accountId, string action, string licenseId, DateTimeOffset? at = null) =>
        new("chg_" + Guid.NewGuid().ToString("N"), accountId, at ?? DateTimeOffset.UtcNow, Actor.ApiKey("key_0123456789abcdef"), action,
            new ChangeTarget("license", licenseId), null, licenseId);

    [Fact]
    public async Task A_revocation_becomes_one_signed_license_revoked_webhook_with_the_license_and_without_its_key()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, _) = await WebhookTestKit.AccountAsync(_host);
        var (endpointId, secret) = await WebhookTestKit.EndpointAsync(_host, apiKey, new Uri(receiver.Uri, "/in"), "license.revoked");
        var license = await _host.IssueAsync(apiKey);
        var licenseId = license.GetProperty("licenseId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _host.PostAsync($"v1/licenses/{licenseId}/revoke", null, apiKey)).Status);
        var at = DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var change = Change(accountId, "license.revoked", licenseId, at);

        await Consumer.ConsumeAsync(change, CancellationToken.None);

        // (The revocation over HTTP is journaled too and makes its own message; this test looks at the one it fed.)
        var messageId = WebhookService.MessageIdFor(change.Id, endpointId);
        var got = Assert.Single(await receiver.WaitForAsync(1, r => r.Id == messageId));
        WebhookTestKit.Verify(secret, got);
        var body = WebhookTestKit.Body(got);
        Assert.Equal("license.revoked", body.GetProperty("type").GetString());
        Assert.Equal("2026-11-29T10:00:00Z", body.GetProperty("timestamp").GetString());
        var sent = body.GetProperty("data").GetProperty("license");
        Assert.Equal(licenseId, sent.GetProperty("licenseId").GetString());
        Assert.Equal("revoked", sent.GetProperty("status").GetString());
        Assert.Equal("customer@example.com", sent.GetProperty("customerEmail").GetString());
        Assert.Equal(["customer-site.com"], sent.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.False(sent.TryGetProperty("licenseKey", out _));
        Assert.DoesNotContain(license.GetProperty("licenseKey").GetString()!, got.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_change_handed_over_again_makes_no_second_message()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, _, endpointId, _, licenseId) = await WebhookTestKit.SubscribedAsync(_host, receiver.Uri, "license.renewed");
        var change = Change(accountId, "license.renewed", licenseId);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Consumer.ConsumeAsync(change, CancellationToken.None)));
        var delivered = await WebhookTestKit.WaitForDeliveriesAsync(_host, apiKey, endpointId,
            d => d.Length > 0 && d[0].GetProperty("status").GetString() == "delivered");
        await Consumer.ConsumeAsync(change, CancellationToken.None);

        var item = Assert.Single(await WebhookTestKit.DeliveriesAsync(_host, apiKey, endpointId));
        Assert.Equal(1, item.GetProperty("attempts").GetInt32());
        Assert.Equal("delivered", item.GetProperty("status").GetString());
        Assert.Equal(item.GetProperty("id").GetString(), Assert.Single(receiver.Requests).Id);
        Assert.Single(delivered);
    }

    [Fact]
    public async Task A_crash_between_the_change_and_queuing_its_delivery_is_healed_by_the_next_hand_over_with_the_same_webhook_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, _, endpointId, secret, licenseId) = await WebhookTestKit.SubscribedAsync(_host, receiver.Uri, "license.suspended");
        var change = Change(accountId, "license.suspended", licenseId);

        _queue.FailFor(accountId);
        await Assert.ThrowsAsync<IOException>(() => Consumer.ConsumeAsync(change, CancellationToken.None));
        var waiting = Assert.Single(await WebhookTestKit.DeliveriesAsync(_host, apiKey, endpointId));
        Assert.Equal("pending", waiting.GetProperty("status").GetString());
        Assert.Equal(0, waiting.GetProperty("attempts").GetInt32());

        _queue.Heal(accountId);
        await Consumer.ConsumeAsync(change, CancellationToken.None);
        await WebhookTestKit.WaitForDeliveriesAsync(_host, apiKey, endpointId, d => d.Single().GetProperty("status").GetString() == "delivered");
        var got = Assert.Single(receiver.Requests);
        Assert.Equal(WebhookService.MessageIdFor(change.Id, endpointId), got.Id);
        WebhookTestKit.Verify(secret, got);
    }

    [Fact]
    public async Task Copies_of_one_queue_message_make_one_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, _, endpointId, _, licenseId) = await WebhookTestKit.SubscribedAsync(_host, receiver.Uri, "license.reinstated");
        _queue.DropFor(accountId); // the delivery is written but its message never queued: this test runs the queue function's work itself
        await Consumer.ConsumeAsync(Change(accountId, "license.reinstated", licenseId), CancellationToken.None);
        var key = Assert.Single(_queue.Dropped(accountId));

        var service = _host.Services.GetRequiredService<WebhookDeliveryService>();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => service.DeliverAsync(accountId, key, CancellationToken.None))));

        Assert.Single(outcomes, o => o.StartsWith("delivered", StringComparison.Ordinal));
        Assert.Single(receiver.Requests);
        var item = Assert.Single(await WebhookTestKit.DeliveriesAsync(_host, apiKey, endpointId));
        Assert.Equal(1, item.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Only_subscribed_enabled_endpoints_receive_and_other_actions_make_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, _) = await WebhookTestKit.AccountAsync(_host);
        var (revokedOnly, _) = await WebhookTestKit.EndpointAsync(_host, apiKey, new Uri(receiver.Uri, "/revoked"), "license.revoked");
        var (everything, _) = await WebhookTestKit.EndpointAsync(_host, apiKey, new Uri(receiver.Uri, "/all"), "*");
        var licenseId = (await _host.IssueAsync(apiKey)).GetProperty("licenseId").GetString()!;

        await Consumer.ConsumeAsync(Change(accountId, "license.renewed", licenseId), CancellationToken.None);
        await Consumer.ConsumeAsync(Change(accountId, "product.updated", licenseId), CancellationToken.None);

        // The "*" endpoint also receives the journaled issuance of the license; none of it reaches the license.revoked one.
        var got = Assert.Single(await receiver.WaitForAsync(1, r => WebhookTestKit.Body(r).GetProperty("type").GetString() == "license.renewed"));
        Assert.Equal("/all", got.Path);
        Assert.Empty(await WebhookTestKit.DeliveriesAsync(_host, apiKey, revokedOnly));
        Assert.Single(await WebhookTestKit.DeliveriesAsync(_host, apiKey, everything), d => d.GetProperty("type").GetString() == "license.renewed");
        Assert.DoesNotContain(receiver.Requests, r => r.Path == "/revoked");
    }

    [Fact]
    public async Task Activation_and_deletion_events_carry_what_is_left_to_say()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, _) = await WebhookTestKit.AccountAsync(_host);
        var (endpointId, _) = await WebhookTestKit.EndpointAsync(_host, apiKey, receiver.Uri, "activation.created", "license.deleted");
        var license = await _host.IssueAsync(apiKey);
        var licenseId = license.GetProperty("licenseId").GetString()!;
        var activationId = license.GetProperty("activations")[0].GetProperty("id").GetString()!;

        var activatedChange = Change(accountId, "activation.created", licenseId) with { Target = new ChangeTarget("activation", activationId) };
        var deletedChange = Change(accountId, "license.deleted", licenseId);
        await Consumer.ConsumeAsync(activatedChange, CancellationToken.None);
        await Consumer.ConsumeAsync(deletedChange, CancellationToken.None);

        string[] fed = [WebhookService.MessageIdFor(activatedChange.Id, endpointId), WebhookService.MessageIdFor(deletedChange.Id, endpointId)];
        var got = await receiver.WaitForAsync(2, r => fed.Contains(r.Id));
        var activated = WebhookTestKit.Body(got.Single(g => WebhookTestKit.Body(g).GetProperty("type").GetString() == "activation.created"));
        Assert.Equal(activationId, activated.GetProperty("data").GetProperty("activation").GetProperty("id").GetString());
        Assert.Equal("customer-site.com", activated.GetProperty("data").GetProperty("activation").GetProperty("domain").GetString());
        Assert.Equal(licenseId, activated.GetProperty("data").GetProperty("license").GetProperty("licenseId").GetString());
        var deleted = WebhookTestKit.Body(got.Single(g => WebhookTestKit.Body(g).GetProperty("type").GetString() == "license.deleted"));
        var gone = deleted.GetProperty("data").GetProperty("license");
        Assert.Equal(licenseId, gone.GetProperty("licenseId").GetString());
        Assert.False(gone.TryGetProperty("customerEmail", out _));
    }
}

/// <summary>The real webhook queue, made to fail (a crash before queuing) or to drop messages, for one account at a time.</summary>
public sealed class FlakyWebhookQueue(IWebhookQueue inner, FlakyWebhookQueue.Control control) : IWebhookQueue
{
    public sealed class Control
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _modes = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Account, string Key)> _dropped = new();

        public void FailFor(string accountId) => _modes[accountId] = "fail";
        public void DropFor(string accountId) => _modes[accountId] = "drop";
        public void Heal(string accountId) => _modes.TryRemove(accountId, out _);
        public IReadOnlyList<string> Dropped(string accountId) => _dropped.Where(d => d.Account == accountId).Select(d => d.Key).ToArray();

        internal string? Mode(string accountId) => _modes.TryGetValue(accountId, out var m) ? m : null;
        internal void Drop(string accountId, string key) => _dropped.Enqueue((accountId, key));
    }

    public Task EnqueueAsync(string accountId, string deliveryKey, TimeSpan delay, CancellationToken ct)
    {
        switch (control.Mode(accountId))
        {
            case "fail": throw new IOException("the process stopped before the delivery was queued");
            case "drop": control.Drop(accountId, deliveryKey); return Task.CompletedTask;
            default: return inner.EnqueueAsync(accountId, deliveryKey, delay, ct);
        }
    }
}
