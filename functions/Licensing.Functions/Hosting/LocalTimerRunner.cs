using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Hosting;

/// <summary>A timer-triggered function: name, NCRONTAB schedule and the method to call.</summary>
public sealed record TimerFunction(string Name, string Schedule, MethodInfo Method);

/// <summary>Local host mode only: fires the same timer-triggered functions on their NCRONTAB schedules (UTC).</summary>
public sealed class LocalTimerRunner(IServiceProvider services, TimeProvider clock, Microsoft.Extensions.Configuration.IConfiguration configuration, ILogger<LocalTimerRunner> logger) : BackgroundService
{
    /// <summary>Tests run the jobs themselves (LocalHost:DisableTimers=true) so a timer never fires mid-test.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        configuration["LocalHost:DisableTimers"] == "true"
            ? Task.CompletedTask
            : Task.WhenAll(FunctionRoutes.DiscoverTimers(typeof(LocalTimerRunner).Assembly).Select(f => RunAsync(f, stoppingToken)));

    private async Task RunAsync(TimerFunction function, CancellationToken ct)
    {
        var schedule = Ncrontab.Parse(function.Schedule);
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = schedule.Next(now);
            try { await Task.Delay(next - now, clock, ct); }
            catch (OperationCanceledException) { return; }
            try
            {
                await using var scope = services.CreateAsyncScope();
                await FunctionInvoker.Start(scope.ServiceProvider, function.Name, function.Method, p =>
                    p.ParameterType == typeof(TimerInfo) ? new TimerInfo()
                    : p.ParameterType == typeof(CancellationToken) ? ct
                    : throw FunctionInvoker.Unbindable(function.Name, p));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Timer {Function} failed", function.Name);
            }
        }
    }
}

/// <summary>
/// Six-field NCRONTAB (second minute hour day month day-of-week), as the Functions timer trigger uses:
/// each field is *, a number, a list (a,b), a range (a-b) or a step (*/n, a-b/n).
/// </summary>
public sealed class Ncrontab
{
    private readonly bool[][] _fields;

    private Ncrontab(bool[][] fields) => _fields = fields;

    private static readonly (int Min, int Max)[] Ranges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];

    public static Ncrontab Parse(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6) throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression");
        var fields = new bool[6][];
        for (var i = 0; i < 6; i++)
        {
            var (min, max) = Ranges[i];
            fields[i] = new bool[max + 1];
            foreach (var item in parts[i].Split(','))
            {
                var step = 1;
                var range = item;
                if (item.IndexOf('/') is var slash and >= 0) { step = int.Parse(item[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture); range = item[..slash]; }
                int from, to;
                if (range == "*") (from, to) = (min, max);
                else if (range.IndexOf('-') is var dash and > 0) (from, to) = (int.Parse(range[..dash], System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
                else from = to = int.Parse(range, System.Globalization.CultureInfo.InvariantCulture);
                if (from < min || to > max || step < 1) throw new FormatException($"'{item}' is out of range in '{expression}'");
                for (var v = from; v <= to; v += step) fields[i][v] = true;
            }
        }
        return new Ncrontab(fields);
    }

    /// <summary>The first matching second strictly after <paramref name="after"/> (UTC).</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        var t = after.UtcDateTime;
        t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc).AddSeconds(1);
        for (var guard = 0; guard < 4 * 366 * 24 * 60; guard++)
        {
            if (!_fields[4][t.Month]) { t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1); continue; }
            if (!_fields[3][t.Day] || !_fields[5][(int)t.DayOfWeek]) { t = t.Date.AddDays(1); continue; }
            if (!_fields[2][t.Hour]) { t = t.Date.AddHours(t.Hour + 1); continue; }
            if (!_fields[1][t.Minute]) { t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1); continue; }
            for (var s = t.Second; s < 60; s++)
                if (_fields[0][s]) return new DateTimeOffset(t.Date.AddHours(t.Hour).AddMinutes(t.Minute).AddSeconds(s), TimeSpan.Zero);
            t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
        }
        throw new InvalidOperationException("no occurrence within four years");
    }
}
