using System.Text.Json.Nodes;
using Licensing.Management;

namespace Licensing.Tests.Sdk;

/// <summary>The founder metrics beside their targets, as the dashboard and the CLI show them, from the metrics report.</summary>
public sealed class MetricTargetsTests
{
    /// <summary>A daily row as the client reads it from the server's JSON.</summary>
    private static JsonObject Day(string date, long renewals, long expirations) =>
        JsonNode.Parse($$"""{"date":"{{date}}","renewals":{{renewals}},"expirations":{{expirations}}}""")!.AsObject();

    [Fact]
    public void A_days_renewal_rate_is_its_renewals_over_renewals_and_expirations_as_the_range_is()
    {
        var report = new MetricsReport
        {
            RenewalRate = 5.0 / 7,
            Daily = [Day("2026-11-28", 1, 0), Day("2026-11-29", 0, 0), Day("2026-11-30", 4, 2)],
        };

        var renewal = MetricTarget.From(report).Single(m => m.Name == "renewalRate");

        Assert.Equal([1.0, null, 4.0 / 6], renewal.Series); // a day with renewals and no expirations renewed all it could
        Assert.Equal("71.4 %", renewal.Format(renewal.Value));
        Assert.False(renewal.Met);
    }
}
