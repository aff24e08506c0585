using Licensing.Domain.Activity;
using Licensing.Domain.Products;
using Licensing.Functions.Activity;
using Licensing.Tests.Support;
using Licensing.Tests.Validation;

namespace Licensing.Tests.Activity;

/// <summary>The per-day validation counts folded into a license's activity by <see cref="LicenseActivity.Merge"/>.</summary>
public sealed class ValidationTimelineTests
{
    private static readonly DateTimeOffset Start = new(2027, 5, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TestClock _clock = new(Start);
    private readonly ActivityRecorder _recorder;
    private LicenseActivity? _stored;

    public ValidationTimelineTests() => _recorder = new ActivityRecorder(_clock);

    /// <summary>Records <paramref name="valid"/> valid and <paramref name="notValid"/> other validations now, then flushes them.</summary>
    private LicenseActivity Flush(int valid, int notValid = 0)
    {
        var license = ValidationRulesTests.Sample(domains: "customer-site.com");
        for (var i = 0; i < valid + notValid; i++)
            _recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "customer-site.com", "203.0.113.7", valid: i < valid);
        _stored = LicenseActivity.Merge(_stored, Assert.Single(_recorder.Drain()), _clock.GetUtcNow()).Next;
        return _stored;
    }

    private static ActivityDay Day(int month, int day, long validations, long valid) => new(new DateOnly(2027, month, day), validations, valid);

    [Fact]
    public void Batches_of_one_day_add_up_on_that_day_valid_apart_from_not_valid()
    {
        Flush(valid: 3, notValid: 1);
        _clock.Advance(TimeSpan.FromHours(2));
        var activity = Flush(valid: 1, notValid: 2);

        Assert.Equal([Day(5, 1, 7, 4)], activity.Daily);
        Assert.Equal((7, 4), (activity.Validations, activity.ValidValidations));
    }

    [Fact]
    public void A_batch_on_a_new_day_adds_that_day_after_the_earlier_ones()
    {
        Flush(valid: 2);
        _clock.Advance(TimeSpan.FromDays(2));
        var activity = Flush(valid: 1, notValid: 1);

        Assert.Equal([Day(5, 1, 2, 2), Day(5, 3, 2, 1)], activity.Daily);
    }

    [Fact]
    public void The_31st_day_drops_the_oldest()
    {
        for (var day = 0; day < 30; day++)
        {
            Flush(valid: day + 1);
            _clock.Advance(TimeSpan.FromDays(1));
        }
        Assert.Equal(30, _stored!.Daily.Count);
        Assert.Equal(Day(5, 1, 1, 1), _stored.Daily[0]);

        var activity = Flush(valid: 31);

        Assert.Equal(30, activity.Daily.Count);
        Assert.Equal(Day(5, 2, 2, 2), activity.Daily[0]);
        Assert.Equal(Day(5, 31, 31, 31), activity.Daily[^1]);
        Assert.Equal(Enumerable.Range(1, 31).Sum(), activity.Validations); // the total keeps every validation
    }

    [Fact]
    public void A_batch_spanning_midnight_counts_on_the_day_of_its_last_validation()
    {
        var license = ValidationRulesTests.Sample();
        _clock.Advance(TimeSpan.FromHours(14) + TimeSpan.FromMinutes(59)); // 23:59
        _recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, null, null, valid: true);
        _clock.Advance(TimeSpan.FromMinutes(2));                               // 00:01 the next day
        _recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, null, null, valid: false);

        var activity = LicenseActivity.Merge(null, Assert.Single(_recorder.Drain()), _clock.GetUtcNow()).Next;

        Assert.Equal([Day(5, 2, 2, 1)], activity.Daily);
    }

    [Fact]
    public void A_row_written_before_days_were_kept_starts_its_days_with_the_next_batch()
    {
        _stored = new LicenseActivity
        {
            AccountId = "acct_1",
            LicenseId = "lic_1",
            FirstValidatedAt = Start.AddDays(-40),
            LastValidatedAt = Start.AddDays(-1),
            Validations = 50,
            ValidValidations = 45,
            WindowStart = Start.AddDays(-1),
            Version = "etag",
        };
        Assert.Empty(_stored.Daily);

        var activity = Flush(valid: 1, notValid: 1);

        Assert.Equal([Day(5, 1, 2, 1)], activity.Daily);
        Assert.Equal((52, 46), (activity.Validations, activity.ValidValidations));
    }

    [Fact]
    public void Days_older_than_30_days_are_not_shown_even_before_the_next_write()
    {
        var activity = Flush(valid: 4);

        Assert.Equal([Day(5, 1, 4, 4)], ValidationTimeline.Within(activity.Daily, Start.AddDays(29)));
        Assert.Empty(ValidationTimeline.Within(activity.Daily, Start.AddDays(30)));
    }

    [Fact]
    public void The_table_column_round_trips_the_days_and_an_old_row_reads_as_none()
    {
        ActivityDay[] days = [Day(4, 30, 1, 0), Day(5, 1, 1234567, 1234000)];
        var stored = ActivityTableStore.FormatDays(days);

        Assert.Equal("2027-04-30:1:0;2027-05-01:1234567:1234000", stored);
        Assert.Equal(days, ActivityTableStore.ParseDays(stored));
        Assert.Empty(ActivityTableStore.ParseDays(null));
        Assert.Empty(ActivityTableStore.ParseDays(""));
    }
}
