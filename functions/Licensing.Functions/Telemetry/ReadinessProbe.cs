using System.Net.Sockets;
using System.Reflection;
using Licensing.Domain.Signing;
using Licensing.Domain.Telemetry;
using Licensing.Functions.Hosting;
using Licensing.Functions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Telemetry;

/// <summary>
/// Builds the readiness view: every check runs side by side, each within <see cref="CheckTimeout"/>, so a hung dependency is
/// reported as unavailable rather than waited for.
/// </summary>
public sealed class ReadinessProbe(TableStorage tables, QueueProbe queues, PublicKeyCache keys, DelegatedKeyProvider delegated,
    ITimerRunStore timerRuns, IOptions<LicensingOptions> options, TimeProvider clock, ILogger<ReadinessProbe> logger)
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Every timer-triggered function of the app and its schedule, found once from the function classes.</summary>
    public static IReadOnlyList<(string Name, string Schedule)> Timers { get; } = typeof(ReadinessProbe).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(),
            Timer: m.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null)))
        .Where(x => x.Function is not null && x.Timer is not null)
        .Select(x => (x.Function!.Name, x.Timer!.Schedule))
        .OrderBy(x => x.Name, StringComparer.Ordinal)
        .ToArray();

    public async Task<ReadinessView> CheckAsync(CancellationToken ct)
    {
        var storage = Run(StorageAsync, new StorageCheck(ReadinessView.Unavailable, 0, []), ct);
        var queueChecks = Task.WhenAll(QueueProbe.Queues.Select(q =>
            Run(t => QueueAsync(q, t), new QueueCheck(q, ReadinessView.Unavailable, null, null, null), ct)));
        var signer = Run(SignerAsync, new SignerCheck(ReadinessView.Unavailable, 0, null, null), ct);
        var email = Run(EmailAsync, EmailUnavailable(), ct);
        var timers = Run(TimersAsync, Timers.Select(t => new TimerCheck(t.Name, t.Schedule, ReadinessView.Unavailable, null, null, null, null)).ToArray(), ct);
        await Task.WhenAll(storage, queueChecks, signer, email, timers);

        var outboxQueue = queueChecks.Result.Single(q => q.Name == QueueGauges.EmailOutboxQueue);
        var outbox = new OutboxCheck(outboxQueue.Status, outboxQueue.Depth, outboxQueue.OldestAgeSeconds, outboxQueue.Poison);
        var down = storage.Result.Status == ReadinessView.Unavailable || signer.Result.Status == ReadinessView.Unavailable;
        var attention = new[] { storage.Result.Status, email.Result.Status }.Concat(queueChecks.Result.Select(q => q.Status))
            .Concat(timers.Result.Select(t => t.Status)).Any(s => s != ReadinessView.Ok);
        var status = down ? ReadinessView.Unavailable : attention ? ReadinessView.Degraded : ReadinessView.Ok;
        return new ReadinessView(status, clock.GetUtcNow(), storage.Result, queueChecks.Result, signer.Result, email.Result, outbox, timers.Result);
    }

    private async Task<StorageCheck> StorageAsync(CancellationToken ct)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var table in tables.Service.QueryAsync(cancellationToken: ct)) existing.Add(table.Name);
        var missing = TableStorage.AllTables.Where(t => !existing.Contains(t)).ToArray();
        return new StorageCheck(missing.Length == 0 ? ReadinessView.Ok : ReadinessView.Unavailable, TableStorage.AllTables.Count - missing.Length, missing);
    }

    private async Task<QueueCheck> QueueAsync(string name, CancellationToken ct)
    {
        var r = await queues.ReadAsync(name, ct);
        return new QueueCheck(name, r.Poison > 0 ? ReadinessView.Attention : ReadinessView.Ok, r.Depth, r.Poison, (long?)r.OldestAge?.TotalSeconds);
    }

    private async Task<SignerCheck> SignerAsync(CancellationToken ct)
    {
        var ring = await keys.GetAsync(ct);
        var current = await delegated.GetAsync(ct);
        return new SignerCheck(ring.Keys.Count > 0 ? ReadinessView.Ok : ReadinessView.Unavailable, ring.Keys.Count, current.Kid, current.SignUntil);
    }

    private async Task<EmailCheck> EmailAsync(CancellationToken ct)
    {
        var email = options.Value.Email;
        if (!string.IsNullOrWhiteSpace(email.AcsEndpoint)) return new EmailCheck(ReadinessView.Ok, "acs", new Uri(email.AcsEndpoint).Host);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(email.SmtpHost, email.SmtpPort, ct);
        return new EmailCheck(ReadinessView.Ok, "smtp", $"{email.SmtpHost}:{email.SmtpPort}");
    }

    private EmailCheck EmailUnavailable()
    {
        var email = options.Value.Email;
        return string.IsNullOrWhiteSpace(email.AcsEndpoint)
            ? new EmailCheck(ReadinessView.Unavailable, "smtp", $"{email.SmtpHost}:{email.SmtpPort}")
            : new EmailCheck(ReadinessView.Unavailable, "acs", email.AcsEndpoint);
    }

    private async Task<TimerCheck[]> TimersAsync(CancellationToken ct)
    {
        var runs = (await timerRuns.ListAsync(ct)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        return Timers.Select(t => runs.TryGetValue(t.Name, out var r)
            ? new TimerCheck(t.Name, t.Schedule, r.Outcome == TimerRun.Failed ? ReadinessView.Attention : ReadinessView.Ok, r.StartedAt, r.FinishedAt,
                r.Outcome, r.Error)
            : new TimerCheck(t.Name, t.Schedule, ReadinessView.Ok, null, null, null, null)).ToArray();
    }

    private async Task<T> Run<T>(Func<CancellationToken, Task<T>> check, T unavailable, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            return await check(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Readiness check {Check} failed: {Error}", typeof(T).Name, e.GetType().Name);
            return unavailable;
        }
    }
}
