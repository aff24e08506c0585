namespace Licensing.Domain.Activity;

/// <summary>One UTC day of a license's validations: how many there were, and how many of them were valid.</summary>
public sealed record ActivityDay(DateOnly Date, long Validations, long Valid);

/// <summary>
/// The per-day validation counts a license's activity keeps: the last <see cref="Days"/> UTC days, older days dropped
/// by each write. A flushed batch counts on the UTC day of its last validation (a flush happens every few seconds, so
/// only a batch spanning midnight lands a few validations on the next day). Counts and dates only: nothing personal.
/// </summary>
public static class ValidationTimeline
{
    public const int Days = 30;

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>The days with validations among the last <see cref="Days"/> UTC days up to <paramref name="now"/>'s, ascending.</summary>
    public static IReadOnlyList<ActivityDay> Within(IEnumerable<ActivityDay> days, DateTimeOffset now)
    {
        var first = DayOf(now).AddDays(1 - Days);
        return [.. days.Where(d => d.Date >= first && d.Validations > 0).OrderBy(d => d.Date)];
    }

    /// <summary>Adds a batch of <paramref name="validations"/> (<paramref name="valid"/> of them valid) to the day of <paramref name="last"/>.</summary>
    public static IReadOnlyList<ActivityDay> Add(IReadOnlyList<ActivityDay> days, DateTimeOffset last, long validations, long valid, DateTimeOffset now)
    {
        var day = DayOf(last);
        var before = days.FirstOrDefault(d => d.Date == day);
        var counted = new ActivityDay(day, (before?.Validations ?? 0) + validations, (before?.Valid ?? 0) + valid);
        return Within(days.Where(d => d.Date != day).Append(counted), now);
    }
}
