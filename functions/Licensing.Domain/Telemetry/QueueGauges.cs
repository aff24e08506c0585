using System.Diagnostics.Metrics;

namespace Licensing.Domain.Telemetry;

/// <summary>What one queue looked like when last read: its depth, the depth of its poison queue, and its oldest visible message's age.</summary>
public sealed record QueueReading(string Queue, long Depth, long Poison, TimeSpan? OldestAge);

/// <summary>
/// The queue gauges of <see cref="LicensingMetrics.Meter"/>: depth and poison count per queue, and the e-mail outbox's depth and
/// oldest age. Reading a queue is a storage call, so the gauges report the last readings published (a background refresher reads
/// the queues on a schedule) instead of calling storage inside a collection.
/// </summary>
public static class QueueGauges
{
    /// <summary>The queue the e-mail outbox is delivered through.</summary>
    public const string EmailOutboxQueue = "email-outbox";

    private static volatile IReadOnlyList<QueueReading> _latest = [];

    static QueueGauges()
    {
        var meter = LicensingMetrics.Meter;
        meter.CreateObservableGauge("licensing.queue.depth", () => Each(r => r.Depth), "{message}", "Messages waiting, per queue");
        meter.CreateObservableGauge("licensing.queue.poison", () => Each(r => r.Poison), "{message}", "Messages in each queue's poison queue");
        meter.CreateObservableGauge("licensing.email.outbox_depth", () => Outbox(r => r.Depth), "{message}", "E-mails waiting to be delivered");
        meter.CreateObservableGauge("licensing.email.outbox_oldest_age", () => Outbox(r => (long)(r.OldestAge?.TotalSeconds ?? 0)), "s",
            "Age of the oldest e-mail waiting to be delivered");
    }

    public static IReadOnlyList<QueueReading> Latest => _latest;

    public static void Publish(IReadOnlyList<QueueReading> readings) => _latest = readings;

    private static IEnumerable<Measurement<long>> Each(Func<QueueReading, long> value) =>
        _latest.Select(r => new Measurement<long>(value(r), new KeyValuePair<string, object?>("queue", r.Queue)));

    private static IEnumerable<Measurement<long>> Outbox(Func<QueueReading, long> value) =>
        _latest.Where(r => r.Queue == EmailOutboxQueue).Select(r => new Measurement<long>(value(r)));
}
