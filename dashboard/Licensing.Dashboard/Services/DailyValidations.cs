using System.Globalization;
using Licensing.Management;

namespace Licensing.Dashboard.Services;

/// <summary>One column of the license page's validation chart: a UTC day, its valid and its other validations.</summary>
public sealed record DayColumn(DateOnly Date, string Label, long Valid, long NotValid);

/// <summary>
/// The license page's validation timeline from <c>usage.daily</c> (days with validations only, oldest first): every day
/// of the last 30 as a column, so the chart's axis does not depend on the data, and the chart's text alternative.
/// </summary>
public static class DailyValidations
{
    public const int Days = 30;

    /// <summary>The last <see cref="Days"/> days up to <paramref name="today"/> (or the newest day the API counted, if later), zeros included.</summary>
    public static IReadOnlyList<DayColumn> Columns(IReadOnlyList<ValidationDay> daily, DateOnly today)
    {
        var last = daily.Count > 0 && daily.Max(d => d.Date) > today ? daily.Max(d => d.Date) : today;
        var byDate = daily.ToDictionary(d => d.Date);
        return [.. Enumerable.Range(0, Days).Select(i => last.AddDays(i - Days + 1)).Select(date => byDate.TryGetValue(date, out var d)
            ? new DayColumn(date, Label(date), d.Valid, d.Validations - d.Valid)
            : new DayColumn(date, Label(date), 0, 0))];
    }

    /// <summary>The chart in one sentence, or the empty state in words.</summary>
    public static string Summary(IReadOnlyList<ValidationDay> daily)
    {
        if (daily.Count == 0) return $"No validation counted per day in the last {Days} days.";
        var total = daily.Sum(d => d.Validations);
        var valid = daily.Sum(d => d.Valid);
        var busiest = daily.MaxBy(d => d.Validations)!;
        return $"{Words.Count(total, "validation", "validations")} on {Words.Count(daily.Count, "day", "days")} of the last {Days}: "
            + $"{valid.ToString(CultureInfo.InvariantCulture)} valid, {(total - valid).ToString(CultureInfo.InvariantCulture)} not valid. "
            + $"Busiest day {Iso(busiest.Date)} with {Words.Count(busiest.Validations, "validation", "validations")}.";
    }

    /// <summary>Whole-number ticks: a step of 1 while the busiest day has few validations (the chart would pick halves).</summary>
    public static double? Step(IReadOnlyList<DayColumn> columns) => columns.Max(c => c.Valid + c.NotValid) <= 5 ? 1 : null;

    /// <summary>Days between two labels on the chart's axis: a week, counted back from the last day, so the last day is always named.</summary>
    public const int LabelEvery = 7;

    /// <summary>
    /// The axis label of a column (its <see cref="DayColumn.Label"/>): shown every <see cref="LabelEvery"/> days back from the last, else blank.
    /// </summary>
    public static string AxisLabel(IReadOnlyList<DayColumn> columns, object? label)
    {
        for (var i = columns.Count - 1; i >= 0; i--)
            if (columns[i].Label == label as string) return (columns.Count - 1 - i) % LabelEvery == 0 ? columns[i].Label : "";
        return "";
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Label(DateOnly date) => date.ToString("MMM d", CultureInfo.InvariantCulture);
}
