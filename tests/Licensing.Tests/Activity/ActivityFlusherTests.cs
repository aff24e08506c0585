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

    [Fact]
    public async Task A_license_validated_again_by_the_next_flush_is_written_without_being_read_back()
    {
        var license = ValidationRulesTests.Sample();
        var flusher = Flusher();
        Validate(license, 2);
        await flusher.FlushAsync(default);
        Assert.Equal((1, 1), (flusher.Reads, flusher.Writes)); // its first write: read (no row yet), then inserted

        Validate(license, 3);
        await flusher.FlushAsync(default);
        Validate(license, 4);
        await flusher.FlushAsync(default);

        Assert.Equal((1, 3), (flusher.Reads, flusher.Writes)); // written from the remembered row: no read
        Assert.Equal(9, (await _store.GetAsync(license.AccountId, license.Id, default))!.Validations);
        Assert.Equal(9, _metrics.Validations);
    }

    [Fact]
    public async Task A_row_stays_remembered_through_flushes_without_its_license_until_it_is_too_old()
    {
        var (a, b) = (ValidationRulesTests.Sample() with { Id = "lic_a" }, ValidationRulesTests.Sample() with { Id = "lic_b" });
        var flusher = Flusher();
        Validate(a, 1);
        await flusher.FlushAsync(default);
        Validate(b, 1);
        await flusher.FlushAsync(default); // a flush without a
        await flusher.FlushAsync(default); // and one with nothing
        Assert.Equal((2, 2), (flusher.Reads, flusher.Writes)); // each license's first write: read

        _clock.Advance(ActivityFlusher.RememberFor - TimeSpan.FromSeconds(1));
        Validate(a, 2);
        await flusher.FlushAsync(default);
        Assert.Equal((2, 3), (flusher.Reads, flusher.Writes)); // a, remembered since its last write: no read

        _clock.Advance(ActivityFlusher.RememberFor + TimeSpan.FromSeconds(1));
        await flusher.FlushAsync(default);
        Validate(a, 4);
        Validate(b, 8);
        await flusher.FlushAsync(default);
        Assert.Equal((4, 5), (flusher.Reads, flusher.Writes)); // both forgotten once too old: read first again
        Assert.Equal(7, (await _store.GetAsync(a.AccountId, a.Id, default))!.Validations);
        Assert.Equal(9, (await _store.GetAsync(b.AccountId, b.Id, default))!.Validations);
    }

    [Fact]
    public async Task No_more_rows_are_remembered_than_the_cap_and_a_flush_keeps_its_own_first()
    {
        var many = Enumerable.Range(0, ActivityFlusher.MaxRemembered).Select(i => ValidationRulesTests.Sample() with { Id = $"lic_{i:D6}" }).ToArray();
        var flusher = Flusher();
        foreach (var l in many) Validate(l, 1);
        await flusher.FlushAsync(default);
        var extra = ValidationRulesTests.Sample() with { Id = "lic_extra" };
        Validate(extra, 1);
        await flusher.FlushAsync(default); // remembers extra, and as many of the others as the cap leaves room for
        var reads = flusher.Reads;

        foreach (var l in many) Validate(l, 1);
        Validate(extra, 1);
        await flusher.FlushAsync(default);

        Assert.Equal(reads + 1, flusher.Reads); // one of the first flush's rows had to go; extra was kept
        Assert.Equal(2, (await _store.GetAsync(extra.AccountId, extra.Id, default))!.Validations);
    }

    [Fact]
    public async Task Rows_carried_from_earlier_flushes_hold_no_more_sites_and_addresses_than_the_cap()
    {
        // Licenses of shared keys: 100 sites each (the most a row tracks) and one address, 101 entries a row.
        var shared = Enumerable.Range(0, 1_000).Select(i => ValidationRulesTests.Sample() with { Id = $"lic_{i:D4}" }).ToArray();
        var flusher = Flusher();
        foreach (var l in shared)
            for (var s = 0; s < 100; s++)
                _recorder.Record(l, PlanPolicy.Default, DevelopmentHostPolicy.Default, $"site{s}.com", "203.0.113.7", valid: true);
        await flusher.FlushAsync(default);
        var other = ValidationRulesTests.Sample() with { Id = "lic_other" };
        Validate(other, 1);
        await flusher.FlushAsync(default); // carries the shared rows while their entries fit: 990 of them (99,990 entries)
        var reads = flusher.Reads;

        foreach (var l in shared) Validate(l, 1);
        await flusher.FlushAsync(default);

        Assert.Equal(reads + 10, flusher.Reads); // the 10 rows past the cap are read before their write
        Assert.Equal(101, (await _store.GetAsync(shared[0].AccountId, shared[0].Id, default))!.Validations);
    }

    [Fact]
    public async Task A_row_another_instance_wrote_between_two_flushes_is_read_afresh_and_no_count_is_lost()
    {
        var license = ValidationRulesTests.Sample();
        var flusher = Flusher();
        Validate(license, 2);
        await flusher.FlushAsync(default);

        // Another instance validates the same license and flushes first: the remembered row's version is stale.
        var otherRecorder = new ActivityRecorder(_clock);
        otherRecorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "other-site.com", "198.51.100.9", valid: true);
        await new ActivityFlusher(otherRecorder, _store, [], _clock).FlushAsync(default);
        Validate(license, 3);
        await flusher.FlushAsync(default);

        Assert.Equal((2, 2), (flusher.Reads, flusher.Writes)); // the conflict cost one read, then one write
        var stored = (await _store.GetAsync(license.AccountId, license.Id, default))!;
        Assert.Equal(6, stored.Validations);
        Assert.Equal(["customer-site.com", "other-site.com"], stored.WindowDomains.Order());
    }

    [Fact]
    public async Task A_license_another_instance_keeps_writing_is_read_first_and_costs_no_failed_write_after_the_first()
    {
        var license = ValidationRulesTests.Sample();
        var refused = new RefusalCounter(_store); // this instance's writes only
        var flusher = new ActivityFlusher(_recorder, refused, [], _clock);
        var other = new ActivityRecorder(_clock);
        var otherFlusher = new ActivityFlusher(other, _store, [], _clock);
        async Task OtherInstanceValidatesAsync()
        {
            other.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "other-site.com", "198.51.100.9", valid: true);
            await otherFlusher.FlushAsync(default);
        }
        async Task<(long Reads, long Writes, int Conflicts)> FlushAsync()
        {
            Validate(license, 1);
            await flusher.FlushAsync(default);
            return (flusher.Reads, flusher.Writes, refused.Refused);
        }

        Assert.Equal((1, 1, 0), await FlushAsync()); // first write: read, insert
        await OtherInstanceValidatesAsync();
        Assert.Equal((2, 2, 1), await FlushAsync()); // the remembered row was stale: one failed write, a read, the write
        await OtherInstanceValidatesAsync();
        Assert.Equal((3, 3, 1), await FlushAsync()); // contended: read first, no failed write
        Assert.Equal((4, 4, 1), await FlushAsync()); // the other instance was quiet: the read finds this instance's own write...
        Assert.Equal((4, 5, 1), await FlushAsync()); // ...so the next flush writes without a read again

        var stored = (await _store.GetAsync(license.AccountId, license.Id, default))!;
        Assert.Equal(7, stored.Validations); // five here, two there: none lost
    }

    [Fact]
    public async Task A_row_removed_between_two_flushes_is_not_written_back_once_the_license_is_gone()
    {
        var license = ValidationRulesTests.Sample();
        var licenses = new GoneLicenses();
        var flusher = new ActivityFlusher(_recorder, _store, [new ValidationMetrics(_metrics)], _clock, licenses);
        Validate(license, 2);
        await flusher.FlushAsync(default);

        // The license is deleted (its activity erased with it) while validations recorded just before are pending.
        Validate(license, 3);
        licenses.Gone.Add(license.Id);
        await _store.DeleteAsync(license.AccountId, license.Id, default);
        Assert.Equal(1, await flusher.FlushAsync(default));

        Assert.Null(await _store.GetAsync(license.AccountId, license.Id, default));
        Assert.Equal(2, _metrics.Validations); // the dropped activity is handed to no consumer
        Assert.Equal(0, await flusher.FlushAsync(default)); // and not put back
    }

    [Fact]
    public async Task Licenses_validated_again_are_written_a_hundred_of_one_account_to_a_request_and_none_is_lost()
    {
        var licenses = Enumerable.Range(0, 250).Select(i => ValidationRulesTests.Sample() with { Id = $"lic_a{i:D3}" })
            .Concat(Enumerable.Range(0, 30).Select(i => ValidationRulesTests.Sample() with { AccountId = "acct_0000000000000002", Id = $"lic_b{i:D3}" }))
            .ToArray();
        var flusher = Flusher();
        foreach (var l in licenses) Validate(l, 1);
        await flusher.FlushAsync(default);
        Assert.Equal((280, 280, 280L, 0), (flusher.Reads, flusher.Writes, flusher.WriteRequests, _store.Transactions)); // first writes: each read

        foreach (var l in licenses) Validate(l, 2);
        await flusher.FlushAsync(default);
        // 250 of one account: 3 transactions (100 + 100 + 50); 30 of the other: 1. No read.
        Assert.Equal((280, 560, 284L, 4), (flusher.Reads, flusher.Writes, flusher.WriteRequests, _store.Transactions));
        foreach (var l in licenses) Assert.Equal(3, (await _store.GetAsync(l.AccountId, l.Id, default))!.Validations);
        Assert.Equal(280 * 3, _metrics.Validations);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_row_changed_elsewhere_fails_its_transaction_and_is_written_on_its_own_and_no_count_is_lost(bool storageSaysWhich)
    {
        _store.SaysWhichRow = storageSaysWhich;
        var licenses = Enumerable.Range(0, 100).Select(i => ValidationRulesTests.Sample() with { Id = $"lic_{i:D3}" }).ToArray();
        var flusher = Flusher();
        foreach (var l in licenses) Validate(l, 1);
        await flusher.FlushAsync(default);

        // Another instance writes one of them between this instance's flushes.
        var other = new ActivityRecorder(_clock);
        other.Record(licenses[42], PlanPolicy.Default, DevelopmentHostPolicy.Default, "other-site.com", "198.51.100.9", valid: true);
        await new ActivityFlusher(other, _store, [], _clock).FlushAsync(default);

        foreach (var l in licenses) Validate(l, 1);
        var (reads, writes, transactions) = (flusher.Reads, flusher.Writes, _store.Transactions);
        await flusher.FlushAsync(default);
        // The refused transaction wrote nothing. Told which row had changed: that one is read and written on its own, the other 99 go
        // together again (two transactions, one read). Not told: each of the hundred is written on its own against its remembered
        // row, and only the changed one, refused, is read.
        Assert.Equal((reads + 1, writes + 100, transactions + (storageSaysWhich ? 2 : 1)), (flusher.Reads, flusher.Writes, _store.Transactions));
        Assert.Equal(3, (await _store.GetAsync(licenses[42].AccountId, licenses[42].Id, default))!.Validations);
        Assert.All(licenses.Where(l => l != licenses[42]), l => Assert.Equal(2, _store.GetAsync(l.AccountId, l.Id, default).Result!.Validations));

        // Next flush: the 99 found as this instance wrote them go in one transaction again; the changed one is read first.
        foreach (var l in licenses) Validate(l, 1);
        (reads, writes, transactions) = (flusher.Reads, flusher.Writes, _store.Transactions);
        await flusher.FlushAsync(default);
        Assert.Equal((reads + 1, writes + 100, transactions + 1), (flusher.Reads, flusher.Writes, _store.Transactions));
        Assert.Equal(100 * 3 + 1, licenses.Sum(l => _store.GetAsync(l.AccountId, l.Id, default).Result!.Validations));
    }

    [Fact]
    public async Task Rows_changed_elsewhere_cost_at_most_two_refused_transactions_before_the_rest_are_written_one_by_one()
    {
        var licenses = Enumerable.Range(0, 100).Select(i => ValidationRulesTests.Sample() with { Id = $"lic_{i:D3}" }).ToArray();
        var refused = new RefusalCounter(_store);
        var flusher = new ActivityFlusher(_recorder, refused, [new ValidationMetrics(_metrics)], _clock);
        foreach (var l in licenses) Validate(l, 1);
        await flusher.FlushAsync(default);

        var other = new ActivityRecorder(_clock);
        foreach (var i in new[] { 10, 50, 90 })
            other.Record(licenses[i], PlanPolicy.Default, DevelopmentHostPolicy.Default, "other-site.com", "198.51.100.9", valid: true);
        await new ActivityFlusher(other, _store, [], _clock).FlushAsync(default);

        foreach (var l in licenses) Validate(l, 1);
        var (reads, writes, transactions) = (flusher.Reads, flusher.Writes, _store.Transactions);
        await flusher.FlushAsync(default);
        // Refused naming row 10, then (without it) naming row 50: both read and written on their own. The other 98 are then written one
        // by one against their remembered rows: 97 at once, and row 90, refused, read and written. Never more than two resends of the rows.
        Assert.Equal((reads + 3, writes + 100, transactions + 2, 2 + 1), (flusher.Reads, flusher.Writes, _store.Transactions, refused.Refused));
        Assert.Equal(100 * 2 + 3, licenses.Sum(l => _store.GetAsync(l.AccountId, l.Id, default).Result!.Validations));
        Assert.Equal(100 * 2, _metrics.Validations);
    }

    [Fact]
    public async Task A_transaction_storage_refuses_puts_its_licenses_back_and_a_later_flush_counts_each_once()
    {
        var licenses = Enumerable.Range(0, 5).Select(i => ValidationRulesTests.Sample() with { Id = $"lic_{i}" }).ToArray();
        var flusher = Flusher();
        foreach (var l in licenses) Validate(l, 1);
        await flusher.FlushAsync(default);
        foreach (var l in licenses) Validate(l, 2);
        _store.FailNextSaveOf = licenses[3].Id;

        await Assert.ThrowsAsync<InvalidOperationException>(() => flusher.FlushAsync(default));
        Assert.Equal(5, _metrics.Validations); // the transaction was refused whole: nothing of it counted yet
        await flusher.FlushAsync(default);
        Assert.Equal(15, _metrics.Validations);
        Assert.All(licenses, l => Assert.Equal(3, _store.GetAsync(l.AccountId, l.Id, default).Result!.Validations));
    }

    /// <summary>Passes every call on, counting the conditional writes refused because the row had changed.</summary>
    private sealed class RefusalCounter(IActivityStore inner) : IActivityStore
    {
        public int Refused { get; private set; }

        public Task<LicenseActivity?> GetAsync(string accountId, string licenseId, CancellationToken ct) => inner.GetAsync(accountId, licenseId, ct);

        public async Task<string?> AddOrReplaceAsync(LicenseActivity activity, CancellationToken ct)
        {
            try
            {
                return await inner.AddOrReplaceAsync(activity, ct);
            }
            catch (Licensing.Domain.Common.ConcurrencyException)
            {
                Refused++;
                throw;
            }
        }

        public async Task<RowsReplaced> ReplaceAllAsync(IReadOnlyList<LicenseActivity> rows, CancellationToken ct)
        {
            var result = await inner.ReplaceAllAsync(rows, ct);
            if (result.Versions is null) Refused++;
            return result;
        }

        public Task DeleteAsync(string accountId, string licenseId, CancellationToken ct) => inner.DeleteAsync(accountId, licenseId, ct);
    }

    /// <summary>A license store that knows only which licenses are gone.</summary>
    private sealed class GoneLicenses : ILicenseStore
    {
        public HashSet<string> Gone { get; } = [];

        public Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
            Task.FromResult(Gone.Contains(licenseId) ? null : ValidationRulesTests.Sample() with { AccountId = accountId, Id = licenseId });

        public Task AddAsync(License license, IReadOnlyList<Activation> activations,
            IReadOnlyList<Licensing.Domain.Audit.ChangeRecord> journal, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<Activation>> ListActivationsAsync(License license, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<License> ReplaceAsync(License license, ActivationChanges changes,
            IReadOnlyList<Licensing.Domain.Audit.ChangeRecord> journal, CancellationToken ct) => throw new NotSupportedException();

        public Task DeleteAsync(License license, Licensing.Domain.Audit.ChangeRecord journal, CancellationToken ct) => throw new NotSupportedException();

        public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct) =>
            throw new NotSupportedException();
    }

    /// <summary>An activity store that checks versions as table storage does (insert only if absent, replace only if unchanged).</summary>
    private sealed class FlakyActivityStore : IActivityStore
    {
        private readonly ConcurrentDictionary<(string, string), LicenseActivity> _rows = new();
        private int _versions;

        public string? FailNextSaveOf { get; set; }

        public Task<LicenseActivity?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
            Task.FromResult(_rows.TryGetValue((accountId, licenseId), out var row) ? row : null);

        public Task<string?> AddOrReplaceAsync(LicenseActivity activity, CancellationToken ct)
        {
            if (FailNextSaveOf == activity.LicenseId)
            {
                FailNextSaveOf = null;
                throw new InvalidOperationException("storage is down");
            }
            lock (_rows)
            {
                var stored = _rows.GetValueOrDefault((activity.AccountId, activity.LicenseId));
                if (stored?.Version != activity.Version) throw new Licensing.Domain.Common.ConcurrencyException("activity changed");
                var version = $"W/\"{Interlocked.Increment(ref _versions)}\"";
                _rows[(activity.AccountId, activity.LicenseId)] = activity with { Version = version };
                return Task.FromResult<string?>(version);
            }
        }

        /// <summary>Transactions made (each one storage request).</summary>
        public int Transactions { get; private set; }

        /// <summary>Whether a refused transaction says which row had changed (table storage does; a store may not).</summary>
        public bool SaysWhichRow { get; set; } = true;

        public Task<RowsReplaced> ReplaceAllAsync(IReadOnlyList<LicenseActivity> rows, CancellationToken ct)
        {
            Assert.InRange(rows.Count, 1, IActivityStore.MaxRowsPerTransaction);
            Assert.All(rows, r => Assert.Equal((rows[0].AccountId, true), (r.AccountId, r.Version is not null)));
            if (rows.Any(r => r.LicenseId == FailNextSaveOf))
            {
                FailNextSaveOf = null;
                throw new InvalidOperationException("storage is down");
            }
            lock (_rows)
            {
                Transactions++;
                var changed = rows.ToList().FindIndex(r => _rows.GetValueOrDefault((r.AccountId, r.LicenseId))?.Version != r.Version);
                if (changed >= 0) return Task.FromResult(new RowsReplaced(null, SaysWhichRow ? changed : null)); // all or none, as a transaction
                var versions = new List<string?>();
                foreach (var r in rows)
                {
                    var version = $"W/\"{Interlocked.Increment(ref _versions)}\"";
                    _rows[(r.AccountId, r.LicenseId)] = r with { Version = version };
                    versions.Add(version);
                }
                return Task.FromResult(new RowsReplaced(versions));
            }
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
