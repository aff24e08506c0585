using System.Net;
using Licensing.Domain.Audit;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Webhooks;
using Licensing.Tests.Audit;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Licensing.Tests.Webhooks;

/// <summary>
/// End to end: a license change over HTTP, journaled with the license write, handed to the webhook consumer by the
/// journal's fan-out, delivered by the queue function to a real receiver, checked with an independent implementation.
/// </summary>
public sealed class WebhookJournalTests
{
    [Fact]
    public async Task Revoking_a_license_over_HTTP_sends_a_signed_license_revoked_webhook()
    {
        await using var host = await TestHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, apiKey, _, endpointId, secret, licenseId) = await WebhookTestKit.SubscribedAsync(host, receiver.Uri, "license.revoked");

        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync($"v1/licenses/{licenseId}/revoke", null, apiKey)).Status);

        var got = Assert.Single(await receiver.WaitForAsync(1));
        WebhookTestKit.Verify(secret, got);
        var body = WebhookTestKit.Body(got);
        Assert.Equal("license.revoked", body.GetProperty("type").GetString());
        Assert.Equal(licenseId, body.GetProperty("data").GetProperty("license").GetProperty("licenseId").GetString());
        Assert.Equal("revoked", body.GetProperty("data").GetProperty("license").GetProperty("status").GetString());
        Assert.False(body.GetProperty("data").GetProperty("license").TryGetProperty("licenseKey", out _));
        // The webhook-id derives from the journaled change, the one the audit log lists.
        var history = await AuditProbe.WaitForHistoryAsync(host, apiKey, licenseId, 2);
        var revoked = history.Single(e => e.GetProperty("action").GetString() == "license.revoked");
        Assert.Equal(WebhookService.MessageIdFor(revoked.GetProperty("id").GetString()!, endpointId), got.Id);
        await WebhookTestKit.WaitForDeliveriesAsync(host, apiKey, endpointId, d => d.Length == 1 && d[0].GetProperty("status").GetString() == "delivered");
    }

    [Fact]
    public async Task A_crash_between_the_change_and_its_delivery_still_delivers_once_per_webhook_id()
    {
        var queue = new FlakyWebhookQueue.Control();
        await using var host = await TestHost.StartAsync(services: s =>
        {
            // The process stops right after the license write: the journal's queue message is never sent.
            s.Replace(ServiceDescriptor.Singleton<IChangeNotifier, LostAnnouncements>());
            var original = s.Single(d => d.ServiceType == typeof(IWebhookQueue));
            s.Remove(original);
            s.AddSingleton<IWebhookQueue>(sp => new FlakyWebhookQueue((IWebhookQueue)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!),
                queue));
        }, ownQueues: true);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (accountId, apiKey, _, endpointId, secret, licenseId) = await WebhookTestKit.SubscribedAsync(host, receiver.Uri, "license.revoked");
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync($"v1/licenses/{licenseId}/revoke", null, apiKey)).Status);
        var journal = host.Services.GetRequiredService<IChangeJournal>();
        var dispatcher = host.Services.GetRequiredService<ChangeDispatcher>();
        var change = (await journal.ListAsync(accountId, CancellationToken.None)).Single(r => r.Action == "license.revoked");

        // The recovery hands the change over and the webhook consumer stops after writing the delivery, before queuing it.
        queue.FailFor(accountId);
        await Assert.ThrowsAnyAsync<Exception>(() => dispatcher.DispatchAsync(accountId, change.Id, CancellationToken.None));
        Assert.NotNull(await journal.GetAsync(accountId, change.Id, CancellationToken.None)); // still journaled: it will be handed over again
        Assert.Equal("pending", Assert.Single(await WebhookTestKit.DeliveriesAsync(host, apiKey, endpointId)).GetProperty("status").GetString());

        // Handed over again (the sweep), and once more by a late duplicate: one message, one webhook-id, delivered once.
        queue.Heal(accountId);
        Assert.True(await dispatcher.DispatchAsync(accountId, change.Id, CancellationToken.None));
        var item = Assert.Single(await WebhookTestKit.WaitForDeliveriesAsync(host, apiKey, endpointId,
            d => d.Length == 1 && d[0].GetProperty("status").GetString() == "delivered"));
        await host.Services.GetServices<IChangeConsumer>().OfType<WebhookChangeConsumer>().Single().ConsumeAsync(change, CancellationToken.None);

        var got = Assert.Single(receiver.Requests);
        Assert.Equal(WebhookService.MessageIdFor(change.Id, endpointId), got.Id);
        Assert.Equal(got.Id, item.GetProperty("id").GetString());
        // The delivery queue is shared by every test host on this storage: a host whose test clock runs days ahead may be
        // the one that sends it, so the timestamp tolerance (real time) is not this test's point; the signature is.
        WebhookTestKit.VerifySignatureOnly(secret, got);
        Assert.Equal(1, Assert.Single(await WebhookTestKit.DeliveriesAsync(host, apiKey, endpointId)).GetProperty("attempts").GetInt32());
        Assert.Null(await journal.GetAsync(accountId, change.Id, CancellationToken.None));
    }

    private sealed class LostAnnouncements : IChangeNotifier
    {
        public Task NotifyAsync(IReadOnlyList<ChangeRecord> records, CancellationToken ct) => Task.CompletedTask;
    }
}
