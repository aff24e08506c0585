using Bunit;
using Licensing.Dashboard.Components;
using Licensing.Dashboard.Services;
using Licensing.Management;

namespace Licensing.Tests.Dashboard.Components;

/// <summary>The deliveries table, the code batch's CSV and counts in words: the logic the operations pages hold.</summary>
public sealed class OperationsComponentTests
{
    [Fact]
    public async Task Deliveries_show_the_answers_status_or_the_error_and_when_a_pending_one_is_tried_next()
    {
        var at = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
        WebhookDelivery[] items =
        [
            new("msg_1", "license.created", 1, "delivered", 200, at, at, null, at, null),
            new("msg_2", "license.revoked", 3, "pending", null, at, at, at.AddMinutes(5), null, "timeout"),
            new("msg_3", "ping", 8, "failed", 500, at, at, null, null, null),
        ];
        await using var ctx = new BunitContext();
        var cut = ctx.Render<WebhookDeliveries>(p => p.Add(x => x.Items, items).Add(x => x.Url, "https://hooks.example.com/x"));

        var rows = cut.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent).ToArray()).ToArray();
        Assert.Equal(["license.created", "delivered", "1", "200", "2026-11-29 10:00:00"], rows[0]);
        Assert.Equal(["license.revoked", "pending (next try 10:05:00)", "3", "timeout", "2026-11-29 10:00:00"], rows[1]);
        Assert.Equal(["ping", "failed", "8", "500", "2026-11-29 10:00:00"], rows[2]);
        Assert.Equal("Deliveries to https://hooks.example.com/x, newest first", cut.Find("caption").TextContent);

        cut.Render(p => p.Add(x => x.Items, Array.Empty<WebhookDelivery>()));
        Assert.Equal("No message yet.", cut.Find("p").TextContent);
    }

    [Fact]
    public void A_batch_becomes_rfc4180_csv_and_a_data_url_that_decodes_to_it()
    {
        var batch = new CodeBatch("batch_1", "my,plugin", "life\"time", 2, 2, ["AAAA-BBBB-CCCC-DDDD-E", "FFFF-GGGG-HHHH-JJJJ-*"]);
        var csv = CodeCsv.Of(batch);
        Assert.Equal("code,productId,plan,batchId\r\n"
            + "AAAA-BBBB-CCCC-DDDD-E,\"my,plugin\",\"life\"\"time\",batch_1\r\n"
            + "FFFF-GGGG-HHHH-JJJJ-*,\"my,plugin\",\"life\"\"time\",batch_1\r\n", csv);
        var url = CodeCsv.DataUrl(batch);
        Assert.StartsWith("data:text/csv;charset=utf-8,", url, StringComparison.Ordinal);
        Assert.Equal(csv, Uri.UnescapeDataString(url["data:text/csv;charset=utf-8,".Length..]));
        Assert.Equal("code,productId,plan,batchId\r\n", CodeCsv.Of(batch with { Codes = null }));
    }

    [Theory]
    [InlineData(0, "0 addresses")]
    [InlineData(1, "1 address")]
    [InlineData(2, "2 addresses")]
    [InlineData(21, "21 addresses")]
    public void Counts_are_singular_for_one_only(long n, string expected) => Assert.Equal(expected, Words.Count(n, "address", "addresses"));

    [Theory]
    [InlineData("the sign-in link was used already; ask for a new one", "The sign-in link was used already; ask for a new one.")]
    [InlineData("  storage did not answer within 2.5 s ", "Storage did not answer within 2.5 s.")]
    [InlineData("Stripe refused the key.", "Stripe refused the key.")]
    [InlineData("maxActivations must be a number (got \"x\")", "maxActivations must be a number (got \"x\").")]
    [InlineData("lic_123 is not a license of this account?", "lic_123 is not a license of this account?")]
    [InlineData("409: conflict", "409: conflict.")]
    [InlineData("e-mail delivery failed: try again", "E-mail delivery failed: try again.")]
    [InlineData(", odd", ", odd.")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Problem_details_show_as_sentences(string? detail, string expected) => Assert.Equal(expected, Words.Sentence(detail));

    [Theory]
    [InlineData(new string[0], "")]
    [InlineData(new[] { "a" }, "a")]
    [InlineData(new[] { "a", "b" }, "a and b")]
    [InlineData(new[] { "a", "b", "c" }, "a, b and c")]
    public void Lists_join_with_and_before_the_last(string[] items, string expected) => Assert.Equal(expected, Words.List(items));

    [Fact]
    public void A_clear_sharing_signal_names_what_its_validations_came_from()
    {
        var quiet = new SharingSignal { WindowHours = 24 };
        Assert.Equal("No sign of sharing: no validation in the last 24 hours.", Words.NoSharing(quiet));
        Assert.Equal("No sign of sharing: 1 site and 2 addresses in the last 24 hours.",
            Words.NoSharing(quiet with { DistinctDomains = 1, Domains = ["shop.example.com"], DistinctAddresses = 2 }));
        Assert.Equal("No sign of sharing: 0 sites, 1 development host (localhost) and 1 address in the last 1 hour.",
            Words.NoSharing(new SharingSignal { WindowHours = 1, DistinctDevelopmentHosts = 1, DevelopmentHosts = ["localhost"], DistinctAddresses = 1 }));
        var many = new SharingSignal
        {
            WindowHours = 24,
            DistinctDomains = 2,
            DistinctDevelopmentHosts = 4,
            DevelopmentHosts = ["a.test", "b.test", "c.test", "d.test"],
            DistinctAddresses = 3,
        };
        Assert.Equal("No sign of sharing: 2 sites, 4 development hosts and 3 addresses in the last 24 hours.", Words.NoSharing(many));
    }

    [Fact]
    public void A_suspected_sharing_signal_names_every_site_and_development_host()
    {
        var sites = new SharingSignal { Suspected = true, DistinctDomains = 3, Domains = ["a.com", "b.com", "c.com"], DistinctAddresses = 5 };
        Assert.Equal("3 sites (a.com, b.com, c.com) from 5 addresses", Words.SharingSeen(sites));
        var hosts = sites with { DistinctDevelopmentHosts = 4, DevelopmentHosts = ["a.test", "b.test", "c.test", "d.test"] };
        Assert.Equal("3 sites (a.com, b.com, c.com) and 4 development hosts (a.test, b.test, c.test, d.test) from 5 addresses", Words.SharingSeen(hosts));
    }
}
