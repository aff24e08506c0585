using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Licensing.Domain.Telemetry;

namespace Licensing.Tests.Telemetry;

/// <summary>
/// Listens to the app's meter ("Licensing") as an exporter would, and keeps every measurement. The meter is process-wide and other
/// tests run beside these, so a test looks for the measurements its own calls must have produced (at least), never for exact totals.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    public sealed record Measured(string Instrument, long Value, IReadOnlyDictionary<string, string?> Tags);

    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measured> _measured = new();

    public MeterRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == LicensingMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags) map[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
            _measured.Enqueue(new Measured(instrument.Name, value, map));
        });
        _listener.Start();
    }

    public IReadOnlyCollection<Measured> All => _measured;

    /// <summary>The sum of the instrument's measurements whose tags include every one of <paramref name="tags"/>.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        _measured.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Sum(m => m.Value);

    /// <summary>Waits (up to a minute) until <paramref name="done"/> holds, collecting the observable gauges before each look.</summary>
    public async Task WaitForAsync(Func<MeterRecorder, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            _listener.RecordObservableInstruments();
            if (done(this)) return;
            Assert.True(DateTime.UtcNow < deadline, "never measured: " + what);
            await Task.Delay(50);
        }
    }

    public void Dispose() => _listener.Dispose();
}
