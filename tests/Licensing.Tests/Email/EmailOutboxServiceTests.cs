using System.Collections.Concurrent;
using Licensing.Domain.Common;
using Licensing.Domain.Email;
using Licensing.Tests.Support;

namespace Licensing.Tests.Email;

/// <summary>The outbox's delivery rules, with in-memory stores and a sender that fails on demand.</summary>
public sealed class EmailOutboxServiceTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MemoryOutbox _outbox = new();
    private readonly MemoryQueue _queue = new();
    private readonly FlakySender _sender = new();

    private EmailOutboxService Service => new(_outbox, _queue, _sender, _clock);

    private static OutboxEmail Email(string id = "license-1") =>
        new() { AccountId = "acct_1", Id = id, Message = new EmailMessage("c@example.com", "s", "t", "h", "<m@x>") };

    [Fact]
    public async Task Queuing_twice_records_once_and_delivering_twice_sends_once()
    {
        await Service.QueueAsync(Email(), default);
        await Service.QueueAsync(Email(), default);
        Assert.Single(_outbox.Items);
        Assert.Equal("sent", await Service.DeliverAsync("acct_1", "license-1", default));
        Assert.Equal("already sent", await Service.DeliverAsync("acct_1", "license-1", default));
        Assert.Equal(1, _sender.Sent);
    }

    [Fact]
    public async Task A_provider_outage_is_retried_with_growing_backoff_and_nothing_is_lost()
    {
        _sender.FailuresLeft = 3;
        await Service.QueueAsync(Email(), default);
        for (var i = 0; i < 3; i++) Assert.StartsWith("attempt", await Service.DeliverAsync("acct_1", "license-1", default));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)], _queue.Delays);
        Assert.Equal(OutboxEmail.Pending, _outbox.Items.Single().Value.State);
        Assert.Equal("sent", await Service.DeliverAsync("acct_1", "license-1", default));
        Assert.Equal(4, _outbox.Items.Single().Value.Attempts);
    }

    [Fact]
    public async Task After_the_last_attempt_the_email_is_marked_failed_with_its_error()
    {
        _sender.FailuresLeft = int.MaxValue;
        await Service.QueueAsync(Email(), default);
        string outcome = "";
        for (var i = 0; i < EmailOutboxService.MaxAttempts; i++) outcome = await Service.DeliverAsync("acct_1", "license-1", default);
        Assert.StartsWith("gave up", outcome);
        var stored = _outbox.Items.Single().Value;
        Assert.Equal(OutboxEmail.Failed, stored.State);
        Assert.Contains("smtp down", stored.LastError);
        Assert.Equal("gave up", await Service.DeliverAsync("acct_1", "license-1", default));
    }

    [Fact]
    public async Task A_mail_servers_error_quoting_the_recipient_is_logged_and_kept_without_the_address()
    {
        _sender.FailuresLeft = int.MaxValue;
        _sender.Error = "550 5.1.1 <C@Example.com>: Recipient address rejected; cc someone.else+x@mail.example.org";
        await Service.QueueAsync(Email(), default);
        var outcomes = new List<string>();
        for (var i = 0; i < EmailOutboxService.MaxAttempts; i++) outcomes.Add(await Service.DeliverAsync("acct_1", "license-1", default));
        var stored = _outbox.Items.Single().Value.LastError!;
        foreach (var text in outcomes.Append(stored))
        {
            Assert.DoesNotContain("@", text);
            Assert.Contains("550 5.1.1 <[address]>: Recipient address rejected; cc [address]", text);
        }
    }

    [Fact]
    public async Task A_claimed_email_is_not_sent_twice_by_a_concurrent_delivery()
    {
        await Service.QueueAsync(Email(), default);
        _sender.Block = new TaskCompletionSource();
        var first = Service.DeliverAsync("acct_1", "license-1", default);
        while (_outbox.Items.Single().Value.State != OutboxEmail.Sending) await Task.Delay(5);
        Assert.Equal("claimed by another delivery", await Service.DeliverAsync("acct_1", "license-1", default));
        _sender.Block.SetResult();
        Assert.Equal("sent", await first);
        Assert.Equal(1, _sender.Sent);
    }

    [Fact]
    public async Task A_shutdown_mid_send_gives_the_claim_back()
    {
        await Service.QueueAsync(Email(), default);
        _sender.Block = new TaskCompletionSource();
        using var shutdown = new CancellationTokenSource();
        var delivery = Service.DeliverAsync("acct_1", "license-1", shutdown.Token);
        while (_outbox.Items.Single().Value.State != OutboxEmail.Sending) await Task.Delay(5);
        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivery);
        Assert.Equal(OutboxEmail.Pending, _outbox.Items.Single().Value.State);
        _sender.Block = null;
        Assert.Equal("sent", await Service.DeliverAsync("acct_1", "license-1", default));
    }

    private sealed class FlakySender : IEmailSender
    {
        public int FailuresLeft;
        public int Sent;
        public TaskCompletionSource? Block;
        public string Error = "smtp down";

        public async Task SendAsync(EmailMessage message, CancellationToken ct)
        {
            if (Block is not null) await Block.Task.WaitAsync(ct);
            if (FailuresLeft-- > 0) throw new IOException(Error);
            Interlocked.Increment(ref Sent);
        }
    }

    private sealed class MemoryQueue : IEmailQueue
    {
        public List<TimeSpan> Delays { get; } = [];

        public Task EnqueueAsync(string accountId, string emailId, TimeSpan delay, CancellationToken ct)
        {
            lock (Delays) Delays.Add(delay);
            return Task.CompletedTask;
        }
    }

    private sealed class MemoryOutbox : IEmailOutbox
    {
        public ConcurrentDictionary<string, OutboxEmail> Items { get; } = new();
        private int _version;

        public Task<bool> AddAsync(OutboxEmail email, CancellationToken ct) => Task.FromResult(Items.TryAdd(email.Id, email with { Version = Next() }));

        public Task<OutboxEmail?> GetAsync(string accountId, string id, CancellationToken ct) => Task.FromResult(Items.GetValueOrDefault(id));

        public Task<OutboxEmail> ReplaceAsync(OutboxEmail email, CancellationToken ct)
        {
            var current = Items[email.Id];
            if (current.Version != email.Version) throw new ConcurrencyException("changed");
            var next = email with { Version = Next() };
            if (!Items.TryUpdate(email.Id, next, current)) throw new ConcurrencyException("changed");
            return Task.FromResult(next);
        }

        private string Next() => Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
