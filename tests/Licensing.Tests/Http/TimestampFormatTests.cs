using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using Licensing.Functions.Http;

namespace Licensing.Tests.Http;

/// <summary>
/// The API's timestamps, written digit by digit, are exactly .NET's custom format of the same instant in UTC: whole seconds
/// without a fraction, otherwise milliseconds (truncated), for any instant and offset.
/// </summary>
public sealed class TimestampFormatTests
{
    private static string Expected(DateTimeOffset value) => value.UtcDateTime.ToString(
        value.Millisecond == 0 && value.Microsecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Written(DateTimeOffset value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) Json.WriteTimestamp(writer, value);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void AssertSame(DateTimeOffset value)
    {
        var expected = Expected(value);
        Assert.Equal(expected, Json.Format(value));
        Assert.Equal($"\"{expected}\"", Written(value));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(621355968000000000L)] // 1970-01-01
    [InlineData(639014400000000000L)] // 2026-01-01
    [InlineData(639014400000010000L)] // a millisecond later
    [InlineData(639014400000000010L)] // a microsecond later: a fraction, written as .000
    [InlineData(639014400000000001L)] // a tick later: no fraction (ticks below a microsecond are not written)
    public void Edges(long ticks)
    {
        AssertSame(new DateTimeOffset(ticks, TimeSpan.Zero));
        AssertSame(new DateTimeOffset(DateTime.MaxValue.Ticks - ticks, TimeSpan.Zero));
    }

    [Property(MaxTest = 2000)]
    public void Any_instant_and_offset(long ticks, short offsetMinutes)
    {
        var offset = TimeSpan.FromMinutes(offsetMinutes % (14 * 60));
        var utcTicks = Math.Abs(ticks % (DateTime.MaxValue.Ticks - 2 * TimeSpan.TicksPerDay)) + TimeSpan.TicksPerDay;
        AssertSame(new DateTimeOffset(utcTicks + offset.Ticks, offset));
    }
}
