using Licensing.Domain.HotRefresh;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Licensing.Tests.HotRefresh;

/// <summary>The refresher's choice between one range read of a partition's license rows and queries naming 14 ids each.</summary>
public sealed class RefreshPlanTests
{
    [Theory]
    [InlineData(1, null, false)]      // one id query is the least a refresh can cost
    [InlineData(14, null, false)]
    [InlineData(15, null, true)]      // two id queries: a range read is tried, allowed two pages
    [InlineData(3000, 3, true)]       // the bench's account: 3 pages instead of 215 id queries
    [InlineData(20, 2, true)]
    [InlineData(20, 3, false)]        // a partition known to need more pages than the id queries cost
    [InlineData(30, 4, false)]
    public void A_range_read_is_used_only_when_it_costs_no_more_requests_than_the_id_queries(int due, int? knownPages, bool range) =>
        Assert.Equal(range, HotLicenseRefresher.UseRange(due, knownPages, 14));

    [Fact]
    public void The_lead_covers_two_rounds_and_a_stall_of_the_public_path_budget_within_the_ttl()
    {
        var ttl = TimeSpan.FromSeconds(5);
        Assert.Equal(TimeSpan.FromSeconds(4), new HotRefreshSettings().Lead(ttl)); // 2 rounds + 2.5 s, capped at the TTL less a round
        Assert.Equal(TimeSpan.FromSeconds(4.5), new HotRefreshSettings().Lead(TimeSpan.FromSeconds(60))); // products, quota states
        Assert.Equal(TimeSpan.FromSeconds(2), new HotRefreshSettings { StallSeconds = 0 }.Lead(ttl)); // two rounds, as before
        Assert.Equal(TimeSpan.FromSeconds(5), new HotRefreshSettings { IntervalSeconds = 10 }.Lead(ttl)); // never more than the TTL
        Assert.Equal(TimeSpan.FromSeconds(1), new HotRefreshSettings().Lead(TimeSpan.FromSeconds(1)));
        Assert.False(new HotRefreshSettings { IntervalSeconds = 0 }.Enabled);

        // Due from 1 s of age, picked up by a round at worst 2 s old: its read may stall for the 2.5 s budget and still land in time.
        var settings = new HotRefreshSettings();
        Assert.True(ttl - settings.Lead(ttl) + settings.Interval + TimeSpan.FromSeconds(settings.StallSeconds) < ttl);
    }

    [Theory]
    [InlineData("-1", false)]
    [InlineData("61", false)]
    [InlineData("NaN", false)]
    [InlineData("0", true)]
    [InlineData("2.5", true)]
    public void A_stall_allowance_outside_0_to_60_seconds_stops_start_up(string stallSeconds, bool accepted)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Licensing:HotRefresh:StallSeconds"] = stallSeconds }).Build();
        var options = configuration.GetSection(LicensingOptions.Section).Get<LicensingOptions>()!;
        var result = new LicensingOptionsValidator(configuration).Validate(null, options);
        Assert.Equal(accepted, !(result.FailureMessage ?? "").Contains("StallSeconds", StringComparison.Ordinal));
    }
}
