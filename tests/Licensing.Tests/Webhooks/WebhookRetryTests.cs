using System.Globalization;
using System.Net;
using Licensing.Domain.Audit;
using Licensing.Domain.Email;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Webhooks;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Webhooks;

/// <summary>
/// The retry schedule, driven by a test clock: the test runs each due attempt the way the queue function does
/// (<see cref="WebhookDeliveryService.DeliverAsync"/>), moving the clock to the due time instead of waiting for it.
/// The host reads no queue, so its moved clock never touches other tests' messages.
/// </summary>
public sealed class WebhookRetryTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(clock: _clock, queues: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Publishes a license.renewed change to the endpoint through the consumer and runs its attempts to the end.</summary>
    private async Task<WebhookDelivery> RunAsync(string accountId, string endpointId, string licenseId)
    {
        var change = new ChangeRecord("chg_" + Guid.NewGuid().ToString("N"), accountId, _clock.GetUtcNow(), Actor.System(), "license.renewed",
            new ChangeTarget("license", licenseId), null, licenseId);
        await _host.Services.GetServices<IChangeConsumer>().OfType<WebhookChangeConsumer>().Single().ConsumeAsync(change, CancellationToken.None);
        return await AttemptUntilDoneAsync(accountId, WebhookDelivery.KeyFor(endpointId, change.At, WebhookService.MessageIdFor(change.Id, endpointId)));
    }

    /// <summary>
    /// Runs the delivery's attempts the way the queue function does, each when it is due: the clock is moved to the due
    /// time instead of waiting for it. Ends when it is delivered or given up.
    /// </summary>
    private async Task<WebhookDelivery> AttemptUntilDoneAsync(string accountId, string key)
    {
        var store = _host.Services.GetRequiredService<IWebhookDeliveryStore>();
        var service = _host.Services.GetRequiredService<WebhookDeliveryService>();
        var deadline = Patience.Deadline;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the delivery never finished");
            var delivery = (await store.GetAsync(accountId, key, CancellationToken.None))!;
            if (delivery.State is WebhookDelivery.Delivered or WebhookDelivery.Failed) return delivery;
            if (delivery.State == WebhookDelivery.Sending)
            {
                await Task.Delay(50); // an attempt in flight (another host may have taken the first): wait for its outcome
                continue;
            }
            if (delivery.NextAttemptAt is { } due && due > _clock.GetUtcNow()) _clock.Advance(due - _clock.GetUtcNow() + TimeSpan.FromSeconds(1));
            await service.DeliverAsync(accountId, key, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_receiver_failing_three_times_then_succeeding_gets_exactly_one_success_on_the_schedule()
    {
        await using var receiver = await WebhookReceiver.StartAsync((n, _) => n <= 3 ? 500 : 200);
        var (accountId, apiKey, _, endpointId, secret, licenseId) = await WebhookTestKit.SubscribedAsync(_host, receiver.Uri, "license.revoked");

        // The change over HTTP, journaled; this host reads no queue, so the test hands the journal over as its fan-out would.
        Assert.Equal(HttpStatusCode.OK, (await _host.PostAsync($"v1/licenses/{licenseId}/revoke", null, apiKey)).Status);
        var dispatcher = _host.Services.GetRequiredService<ChangeDispatcher>();
        foreach (var record in await _host.Services.GetRequiredService<IChangeJournal>().ListAsync(accountId, CancellationToken.None))
            await dispatcher.DispatchAsync(accountId, record.Id, CancellationToken.None);
        var written = Assert.Single(await _host.Services.GetRequiredService<IWebhookDeliveryStore>().ListAsync(accountId, endpointId, 10,
            CancellationToken.None));
        Assert.Equal("license.revoked", written.Type);

        var delivery = await AttemptUntilDoneAsync(accountId, written.Key);

        Assert.Equal(WebhookDelivery.Delivered, delivery.State);
        var got = receiver.Requests;
        Assert.Equal([500, 500, 500, 200], got.Select(r => r.AnsweredStatus));
        Assert.All(got, r => Assert.Equal(delivery.MessageId, r.Id));
        Assert.All(got, r => Assert.Equal(got[0].Body, r.Body));
        Assert.All(got, r => WebhookTestKit.VerifySignatureOnly(secret, r));
        var times = got.Select(r => long.Parse(r.Timestamp, CultureInfo.InvariantCulture)).ToArray();
        // 5 s, 5 min, 30 min, each ±10 % jitter, plus the second the test adds when it moves the clock (and a little real time).
        Assert.InRange(times[1] - times[0], 4, 9);
        Assert.InRange(times[2] - times[1], 270, 335);
        Assert.InRange(times[3] - times[2], 1620, 1985);

        var item = Assert.Single(await WebhookTestKit.DeliveriesAsync(_host, apiKey, endpointId));
        Assert.Equal("delivered", item.GetProperty("status").GetString());
        Assert.Equal(4, item.GetProperty("attempts").GetInt32());
        Assert.Equal(200, item.GetProperty("responseStatus").GetInt32());
    }

    [Fact]
    public async Task When_the_schedule_runs_out_the_endpoint_is_disabled_and_the_founder_is_emailed()
    {
        await Smtp4dev.RequireAsync();
        await using var receiver = await WebhookReceiver.StartAsync((_, _) => 503);
        var (accountId, apiKey, email, endpointId, _, licenseId) =
            await WebhookTestKit.SubscribedAsync(_host, receiver.Uri, "license.renewed", "license.revoked");
        var started = _clock.GetUtcNow();

        var delivery = await RunAsync(accountId, endpointId, licenseId);

        Assert.Equal(WebhookDelivery.Failed, delivery.State);
        Assert.Equal(10, delivery.Attempts);
        Assert.Equal(10, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Id).Distinct());
        Assert.InRange((_clock.GetUtcNow() - started).TotalHours, 60, 90);
        await AssertDisabledAndNotifiedAsync(accountId, apiKey, email, endpointId, "10 attempts");
    }

    [Fact]
    public async Task Gone_disables_the_endpoint_at_once()
    {
        await Smtp4dev.RequireAsync();
        await using var receiver = await WebhookReceiver.StartAsync((_, _) => 410);
        var (accountId, apiKey, email, endpointId, _, licenseId) =
            await WebhookTestKit.SubscribedAsync(_host, receiver.Uri, "license.renewed", "license.revoked");

        var delivery = await RunAsync(accountId, endpointId, licenseId);

        Assert.Equal(WebhookDelivery.Failed, delivery.State);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal(410, delivery.ResponseStatus);
        await AssertDisabledAndNotifiedAsync(accountId, apiKey, email, endpointId, "410");
        (await _host.PostAsync($"v1/webhook-endpoints/{endpointId}/test", null, apiKey)).AssertProblem(HttpStatusCode.Conflict, "CONFLICT");
        // A disabled endpoint receives nothing more.
        await _host.Services.GetServices<IChangeConsumer>().OfType<WebhookChangeConsumer>().Single().ConsumeAsync(
            new ChangeRecord("chg_" + Guid.NewGuid().ToString("N"), accountId, _clock.GetUtcNow(), Actor.System(), "license.revoked",
                new ChangeTarget("license", licenseId), null, licenseId), CancellationToken.None);
        Assert.Single(await WebhookTestKit.DeliveriesAsync(_host, apiKey, endpointId));
    }

    private async Task AssertDisabledAndNotifiedAsync(string accountId, string apiKey, string email, string endpointId, string reasonFragment)
    {
        var listed = Assert.Single((await _host.GetAsync("v1/webhook-endpoints", apiKey)).Json.GetProperty("items").EnumerateArray());
        Assert.Equal("disabled", listed.GetProperty("status").GetString());
        Assert.Contains(reasonFragment, listed.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        // This host reads no queue: send the outbox e-mail the way its queue function would, until it is sent (another host
        // reading the queue may hold it meanwhile, and give it back when it stops).
        var outbox = _host.Services.GetRequiredService<EmailOutboxService>();
        var deadline = Patience.Deadline;
        while (await outbox.DeliverAsync(accountId, $"webhook-disabled-{endpointId}", CancellationToken.None) is not ("sent" or "already sent"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the founder's e-mail was never sent");
            await Task.Delay(200);
        }
        // The outbox sends at least once: a host reading the queue may hold a claim on its own clock, which this host's clock,
        // days ahead, sees as lapsed. Whatever arrived is this one notice.
        var messages = await Smtp4dev.WaitForAsync(email, 1, Patience.Bound);
        Assert.NotEmpty(messages);
        foreach (var message in messages)
        {
            Assert.Equal("A webhook endpoint was disabled", message.Subject);
            Assert.Contains(endpointId, await Smtp4dev.PlainTextAsync(message.Id), StringComparison.Ordinal);
        }
    }
}
