using Bunit;
using Licensing.Dashboard.Components;
using Licensing.Dashboard.Services;
using Licensing.Domain.Activity;
using Licensing.Management;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace Licensing.Tests.Dashboard.Components;

/// <summary>
/// The license page's validation chart: 30 days of columns whatever the data, its text alternative (a sentence and a
/// table for screen readers) and its empty state in words, fed by <c>usage.daily</c> as the .NET management client reads it.
/// </summary>
public sealed class ValidationChartComponentTests
{
    private static BunitContext Context()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddRadzenComponents();
        // The chart measures its element in the browser before it draws: here, 600 × 200 pixels.
        ctx.JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true)
            .SetResult(new Radzen.Blazor.Rendering.Rect { Width = 600, Height = 200 });
        return ctx;
    }

    private static string[][] Rows(IRenderedComponent<ValidationChart> cut) =>
        [.. cut.FindAll("[data-testid=timeline-table] tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent).ToArray())];

    [Fact]
    public async Task The_days_the_api_counted_become_a_sentence_a_table_and_a_chart_of_the_last_30_days()
    {
        var clock = new TestClock(new DateTimeOffset(2027, 8, 2, 12, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(clock: clock,
            settings: new Dictionary<string, string?> { ["Licensing:ActivityFlushSeconds"] = "3600" }, queues: false);
        var apiKey = await host.CreateAccountWithProductAsync();
        var issued = await host.IssueAsync(apiKey);
        var key = issued.GetProperty("licenseKey").GetString()!;
        var flusher = host.Services.GetRequiredService<ActivityFlusher>();
        await host.PostOkAsync("v1/validate", new { key, domain = "customer-site.com" });
        await host.PostOkAsync("v1/validate", new { key, domain = "customer-site.com", features = new[] { "custom-branding" } });
        await flusher.FlushAsync(default);
        clock.Advance(TimeSpan.FromDays(3));
        for (var i = 0; i < 6; i++) await host.PostOkAsync("v1/validate", new { key, domain = "customer-site.com" });
        await flusher.FlushAsync(default);
        using var client = new ManagementClient(host.BaseAddress, apiKey);
        var daily = (await client.GetLicenseAsync(issued.GetProperty("licenseId").GetString()!)).Usage!.Daily;
        Assert.Equal([new ValidationDay(new DateOnly(2027, 8, 2), 2, 1), new ValidationDay(new DateOnly(2027, 8, 5), 6, 6)], daily);

        await using var ctx = Context();
        var cut = ctx.Render<ValidationChart>(p => p.Add(x => x.Daily, daily).Add(x => x.Today, new DateOnly(2027, 8, 5)));

        Assert.Equal("8 validations on 2 days of the last 30: 7 valid, 1 not valid. Busiest day 2027-08-05 with 6 validations.",
            cut.Find("[data-testid=timeline-summary]").TextContent);
        Assert.Equal([["2027-08-02", "2", "1"], ["2027-08-05", "6", "6"]], Rows(cut));
        Assert.Equal("Validations per day", cut.Find("caption").TextContent);
        Assert.Equal("true", cut.Find(".timeline-chart").GetAttribute("aria-hidden")); // the table and sentence say what it shows
        // One column per day of the 30 in each series (valid, not valid), zero-height where nothing was counted; no focusable legend.
        Assert.Equal(30, cut.FindAll(".timeline-chart .rz-column-series.rz-series-0 path").Count);
        Assert.Equal(30, cut.FindAll(".timeline-chart .rz-column-series.rz-series-1 path").Count);
        Assert.Empty(cut.FindAll(".timeline-chart [tabindex]"));
        // The axis names a day a week, counted back from the last: the day the newest column stands for is always named.
        Assert.Equal(["Jul 8", "Jul 15", "Jul 22", "Jul 29", "Aug 5"],
            cut.FindAll(".timeline-chart .rz-category-axis .rz-tick-text").Select(t => t.TextContent.Trim()));
    }

    [Fact]
    public void The_columns_are_the_30_days_up_to_today_with_zeros_where_nothing_was_counted()
    {
        ValidationDay[] daily = [new(new DateOnly(2027, 7, 10), 3, 2), new(new DateOnly(2027, 8, 5), 9, 9)];

        var columns = DailyValidations.Columns(daily, new DateOnly(2027, 8, 6));

        Assert.Equal(30, columns.Count);
        Assert.Equal((new DateOnly(2027, 7, 8), "Jul 8"), (columns[0].Date, columns[0].Label));
        Assert.Equal(new DateOnly(2027, 8, 6), columns[^1].Date);
        Assert.Equal(new DayColumn(new DateOnly(2027, 7, 10), "Jul 10", 2, 1), columns[2]);
        Assert.Equal(new DayColumn(new DateOnly(2027, 8, 5), "Aug 5", 9, 0), columns[^2]);
        Assert.Equal(12, columns.Sum(c => c.Valid + c.NotValid));
        // A browser whose clock is behind the server's still shows the newest day the API counted.
        Assert.Equal(new DateOnly(2027, 8, 5), DailyValidations.Columns(daily, new DateOnly(2027, 8, 1))[^1].Date);
        Assert.Null(DailyValidations.Step(columns));                // 9 on a day: the chart's own ticks are whole numbers
        Assert.Equal(1, DailyValidations.Step(DailyValidations.Columns(daily[..1], new DateOnly(2027, 8, 6))));
    }

    [Fact]
    public async Task No_day_counted_says_so_in_words_with_no_chart()
    {
        await using var ctx = Context();
        var cut = ctx.Render<ValidationChart>(p => p.Add(x => x.Daily, Array.Empty<ValidationDay>()));

        Assert.Equal("No validation counted per day in the last 30 days.", cut.Find("[data-testid=timeline-summary]").TextContent);
        Assert.Empty(cut.FindAll(".timeline-chart"));
        Assert.Empty(Rows(cut));
    }
}
