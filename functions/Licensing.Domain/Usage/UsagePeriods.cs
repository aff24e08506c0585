using System.Globalization;

namespace Licensing.Domain.Usage;

public static class UsagePeriods
{
    /// <summary>The period a moment falls in: "2027-01" (month, UTC) or "2027-01-15" (day).</summary>
    public static string Key(string period, DateTimeOffset at) =>
        period == "day" ? at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(string period, DateTimeOffset at)
    {
        var u = at.UtcDateTime;
        if (period == "day")
        {
            var start = new DateTimeOffset(u.Year, u.Month, u.Day, 0, 0, 0, TimeSpan.Zero);
            return (start, start.AddDays(1));
        }
        var month = new DateTimeOffset(u.Year, u.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (month, month.AddMonths(1));
    }
}
