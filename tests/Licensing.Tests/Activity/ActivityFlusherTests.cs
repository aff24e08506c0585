using System.Collections.Concurrent;
using Licensing.Domain.Activity;
using Licensing.Domain.Licenses;
using Licensing.Domain.Metrics;
using Licensing.Domain.Products;
using Licensing.Tests.Support;
using Licensing.Tests.Validation;

namespace Licensing.Tests.Activity;

/// <summary>The flusher writes activity, then hands exactly what it wrote to every consumer.</summary>
public sealed class ActivityFlusherTests
{
    private readonly TestClock _clock = new();
    private readonly FlakyActivityStore _store = new();
    private readonly ActivityRecorder _recorder;
    private readonly CountingMetrics _metrics = new();

    public ActivityFlusherTests() => _recorder = new ActivityRecorder(_clock);

    private ActivityFlusher Flusher(params IActivityBatchConsumer[] more) =>
        new(_recorder, _store, [new ValidationMetrics(_metrics), .. more], _clock);

    private void Validate(License license, int times)
    {
        for (var i = 0; i < times; i++)
            _recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "customer-site.com", "203.0.113.7", valid: true);
    }

    [Fact]
    public async Task A_license_whose_write_fails_is_counted_once_when_a_later_flush_writes_it()
    {
        var (a, b) = (ValidationRulesTests.Sample() with { Id = "lic_a" }, ValidationRulesTests.Sample() with { Id = "lic_b" });
        Validate(a, 2);
        Validate(b, 3);
        _store.FailNextSaveOf = a.Id;
        var flusher = Flusher();

        await Assert.ThrowsAsync<InvalidOperationException>(() => flusher.FlushAsync(default));
        Assert.Equal(3, _metrics.Validations); // b only: a was not written, so it is not counted yet

        await flusher.FlushAsync(default);
        Assert.Equal(5, _metrics.Validations); // a, once
        Assert.Equal(2, (await _store.GetAsync(a.AccountId, a.Id, default))!.Validations);
    }

    [Fact]
    public async Task A_test_mode_license_is_written_as_activity_but_counted_in_no_validation_metric()
    {
        var (live, test) = (ValidationRulesTests.Sample() with { Id = "lic_live" }, ValidationRulesTests.Sample() with { Id = "lic_test", Test = true });
        Validate(live, 2);
        Validate(test, 3);
        await Flusher().FlushAsync(default);
        Assert.Equal(2, _metrics.Validations);
        Assert.Equal(3, (await _store.GetAsync(test.AccountId, test.Id, default))!.Validations);
    }

    [Fact]
    public async Task A_failing_consumer_holds_back_neither_the_others_nor_the_activity()
    {
        var license = ValidationRulesTests.Sample();
        Validate(license, 4);
        var flusher = Flusher(new FailingConsumer(), new ValidationMetrics(_metrics));

        await Assert.ThrowsAsync<InvalidOperationException>(() => flusher.FlushAsync(default));

        Assert.Equal(8, _metrics.Validations); // both metrics consumers saw the batch
        Assert.Equal(4, (await _store.GetAsync(license.AccountId, license.Id, default))!.Validations);
        Assert.Equal(0, await flusher.FlushAsync(default)); // written once: nothing put back
    }

    private sealed class FlakyActivityStore : IActivityStore
    {
        private readonly ConcurrentDictionary<(string, string), LicenseActivity> _rows = new();

        public string? FailNextSaveOf { get; set; }

        public Task<LicenseActivity?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
            Task.FromResult(_rows.TryGetValue((accountId, licenseId), out var row) ? row : null);

        public Task AddOrReplaceAsync(LicenseActivity activity, CancellationToken ct)
        {
            if (FailNextSaveOf == activity.LicenseId)
            {
                FailNextSaveOf = null;
                throw new InvalidOperationException("storage is down");
            }
            _rows[(activity.AccountId, activity.LicenseId)] = activity;
            return Task.CompletedTask;
        }

        public Task DeleteAsync(string accountId, string licenseId, CancellationToken ct)
        {
            _rows.TryRemove((accountId, licenseId), out _);
            return Task.CompletedTask;
        }
    }

    private sealed class CountingMetrics : IMetricsStore
    {
        private long _validations;

        public long Validations => Interlocked.Read(ref _validations);

        public Task AddAsync(string accountId, string productId, string day, MetricsDelta delta, CancellationToken ct)
        {
            Interlocked.Add(ref _validations, delta.Validations);
            return Task.CompletedTask;
        }

        public Task UpsertSnapshotAsync(string accountId, string productId, string day, long issued, long active, long activeDomains, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<DayMetrics>> ListAsync(string accountId, string productId, string fromDay, string toDay, CancellationToken ct) =>
            throw new NotSupportedException();
    }

    private sealed class FailingConsumer : IActivityBatchConsumer
    {
        public Task ConsumeAsync(ActivityBatch batch, CancellationToken ct) => throw new InvalidOperationException("consumer is down");
    }
}
