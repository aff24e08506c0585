using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Licensing.Domain.Telemetry;
using Licensing.Functions.Telemetry;
using Licensing.Tests.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Telemetry;

/// <summary><c>GET /v1/health/ready</c> over HTTP against Azurite and smtp4dev: the admin's detailed view; <c>/v1/health</c> stays public.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Licensing:Telemetry:GaugeRefreshSeconds"] = "1" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> ReadyAsync()
    {
        var r = await _host.GetAsync("v1/health/ready", TestHost.AdminKey);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json;
    }

    [Fact]
    public async Task The_readiness_view_needs_the_admin_key_while_health_stays_public()
    {
        (await _host.GetAsync("v1/health/ready")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await _host.GetAsync("v1/health/ready", "not-the-admin-key")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var apiKey = await _host.CreateAccountWithProductAsync();
        (await _host.GetAsync("v1/health/ready", apiKey)).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");

        var health = await _host.GetAsync("v1/health");
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("""{"status":"ok"}""", health.Text);
    }

    [Fact]
    public async Task The_view_covers_tables_queues_signer_email_outbox_and_timers()
    {
        await Smtp4dev.RequireAsync();
        var view = await ReadyAsync();
        Assert.Contains(view.GetProperty("status").GetString(), new[] { ReadinessView.Ok, ReadinessView.Degraded });

        var storage = view.GetProperty("storage");
        Assert.Equal("ok", storage.GetProperty("status").GetString());
        Assert.Equal(Licensing.Functions.Storage.TableStorage.AllTables.Count, storage.GetProperty("tables").GetInt32());
        Assert.Empty(storage.GetProperty("missing").EnumerateArray());

        var queues = view.GetProperty("queues").EnumerateArray().ToDictionary(q => q.GetProperty("name").GetString()!);
        Assert.Equal(QueueProbe.Queues.Order(), queues.Keys.Order());
        foreach (var q in queues.Values)
        {
            Assert.True(q.GetProperty("depth").GetInt64() >= 0);
            Assert.Equal(q.GetProperty("poison").GetInt64() > 0 ? "attention" : "ok", q.GetProperty("status").GetString());
        }

        var signer = view.GetProperty("signer");
        Assert.Equal("ok", signer.GetProperty("status").GetString());
        Assert.True(signer.GetProperty("rootKeys").GetInt32() >= 1);
        Assert.True(Licensing.Domain.Signing.Delegation.IsDelegatedKid(signer.GetProperty("delegatedKeyId").GetString()!));
        Assert.True(signer.GetProperty("delegatedKeySignsUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        var email = view.GetProperty("email");
        Assert.Equal(("ok", "smtp", $"127.0.0.1:{Smtp4dev.SmtpPort}"),
            (email.GetProperty("status").GetString(), email.GetProperty("sender").GetString(), email.GetProperty("target").GetString()));

        var outbox = view.GetProperty("outbox");
        Assert.True(outbox.GetProperty("depth").GetInt64() >= 0);
        Assert.Equal(queues["email-outbox"].GetProperty("poison").GetInt64(), outbox.GetProperty("poison").GetInt64());

        var timers = view.GetProperty("timers").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(
            new[] { "MarkExpiredLicenses", "PruneAuditLog", "PruneExpiredRows", "RollUpMetrics", "SendRenewalReminders", "SweepChangeJournal" }, timers);
    }

    [Fact]
    public async Task A_timer_run_is_recorded_and_shown_with_its_outcome()
    {
        var recorder = _host.Services.GetRequiredService<TimerRunRecorder>();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await recorder.RunAsync("PruneAuditLog", () => Task.CompletedTask, CancellationToken.None);
        await Assert.ThrowsAsync<TimeoutException>(() =>
            recorder.RunAsync("RollUpMetrics", () => throw new TimeoutException("the store hung"), CancellationToken.None));

        var timers = (await ReadyAsync()).GetProperty("timers").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        var prune = timers["PruneAuditLog"];
        Assert.Equal(("ok", "succeeded"), (prune.GetProperty("status").GetString(), prune.GetProperty("lastOutcome").GetString()));
        Assert.True(prune.GetProperty("lastStartedAt").GetDateTimeOffset() >= before);
        Assert.True(prune.GetProperty("lastFinishedAt").GetDateTimeOffset() >= prune.GetProperty("lastStartedAt").GetDateTimeOffset());
        var rollUp = timers["RollUpMetrics"];
        Assert.Equal(("attention", "failed", "TimeoutException"),
            (rollUp.GetProperty("status").GetString(), rollUp.GetProperty("lastOutcome").GetString(), rollUp.GetProperty("lastError").GetString()));
        Assert.Equal("0 30 3 * * *", prune.GetProperty("schedule").GetString());
        await recorder.RunAsync("RollUpMetrics", () => Task.CompletedTask, CancellationToken.None); // leave the shared record as a real run would
    }

    [Fact]
    public async Task A_poison_message_shows_in_the_view_and_in_the_poison_gauge()
    {
        using var meters = new MeterRecorder();
        var poison = new QueueClient(TestHost.Azurite, "license-changes-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var sent = (await poison.SendMessageAsync("{\"accountId\":\"readiness-test\",\"changeId\":\"none\"}")).Value;
        try
        {
            var queue = (await ReadyAsync()).GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("name").GetString() == "license-changes");
            Assert.True(queue.GetProperty("poison").GetInt64() >= 1);
            Assert.Equal("attention", queue.GetProperty("status").GetString());
            // The gauge reads what the host's refresher last read (every second here): it comes to count the message too.
            await meters.WaitForAsync(m => m.All.Any(x => x.Instrument == "licensing.queue.poison" && x.Tags["queue"] == "license-changes" && x.Value >= 1),
                "licensing.queue.poison{queue=license-changes} >= 1");
            await meters.WaitForAsync(m => m.All.Any(x => x.Instrument == "licensing.email.outbox_depth"), "licensing.email.outbox_depth");
            Assert.Contains(QueueGauges.Latest, r => r.Queue == QueueGauges.EmailOutboxQueue);
        }
        finally
        {
            await poison.DeleteMessageAsync(sent.MessageId, sent.PopReceipt);
        }
    }

    [Fact]
    public async Task With_storage_down_the_view_answers_503_naming_what_is_unavailable()
    {
        await using var down = await TestHost.StartAsync(StorageOutageTests.ClosedPort);
        var r = await down.GetAsync("v1/health/ready", TestHost.AdminKey);
        r.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.NotNull(r.Headers.RetryAfter);
        var view = r.Json.GetProperty("readiness");
        Assert.Equal("unavailable", view.GetProperty("status").GetString());
        Assert.Equal("unavailable", view.GetProperty("storage").GetProperty("status").GetString());
        Assert.All(view.GetProperty("queues").EnumerateArray(), q => Assert.Equal("unavailable", q.GetProperty("status").GetString()));
        (await down.GetAsync("v1/health/ready")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }
}
