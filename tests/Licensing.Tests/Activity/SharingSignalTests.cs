using Licensing.Domain.Activity;
using Licensing.Domain.Products;
using Licensing.Tests.Validation;

namespace Licensing.Tests.Activity;

/// <summary>The sharing signal counts sites (registrable domains by the Public Suffix List), not host names.</summary>
public sealed class SharingSignalTests
{
    private static LicenseActivity Seen(params string[] domains)
    {
        var recorder = new ActivityRecorder(TimeProvider.System);
        var license = ValidationRulesTests.Sample(domains: "*.example.com") with { MaxActivations = 1 };
        foreach (var domain in domains) recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, domain, "203.0.113.7", valid: true);
        return LicenseActivity.Merge(null, Assert.Single(recorder.Drain()), DateTimeOffset.UtcNow).Next;
    }

    [Fact]
    public void Subdomains_of_one_site_are_one_site_and_raise_no_suspicion()
    {
        var activity = Seen("shop.example.com", "blog.example.com", "a.b.example.com");
        Assert.Equal(["example.com"], activity.WindowDomains);
        Assert.Null(activity.SharingSuspectedAt);
    }

    [Fact]
    public void Sites_under_a_shared_platform_suffix_are_distinct()
    {
        var activity = Seen("alice.github.io", "bob.github.io", "www.bob.github.io");
        Assert.Equal(["alice.github.io", "bob.github.io"], activity.WindowDomains.Order());
        Assert.NotNull(activity.SharingSuspectedAt);
    }

    [Fact]
    public void Each_client_address_is_counted_once_whether_it_repeats_or_alternates()
    {
        var recorder = new ActivityRecorder(TimeProvider.System);
        var license = ValidationRulesTests.Sample(domains: "*.example.com");
        foreach (var address in new[] { "203.0.113.7", "203.0.113.7", "198.51.100.2", "203.0.113.7", "198.51.100.2", "198.51.100.2" })
            recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, "shop.example.com", address, valid: true);
        var pending = Assert.Single(recorder.Drain());
        Assert.Equal(6, pending.Count);
        Assert.Equal(new[] { "198.51.100.2", "203.0.113.7" }.Select(ActivityRecorder.HashAddress).Order(), pending.Addresses.Order());
    }

    [Fact]
    public void A_development_host_the_license_holds_an_activation_for_counts_as_a_site()
    {
        var recorder = new ActivityRecorder(TimeProvider.System);
        var license = ValidationRulesTests.Sample(domains: ["staging.customer.com", "*.shop.example.org"]);
        foreach (var domain in new[] { "staging.customer.com", "dev.shop.example.org", "staging.other.com", "localhost" })
            recorder.Record(license, PlanPolicy.Default, DevelopmentHostPolicy.Default, domain, "203.0.113.7", valid: true);
        var pending = Assert.Single(recorder.Drain());
        Assert.Equal(["dev.shop.example.org", "staging.customer.com"], pending.Domains.Order());
        Assert.Equal(["localhost", "staging.other.com"], pending.DevelopmentHosts.Order());
    }

    [Theory]
    [InlineData("shop.example.co.uk", "example.co.uk")]
    [InlineData("8.8.8.8", "8.8.8.8")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("github.io", "github.io")]
    public void A_domain_counts_as_its_site(string domain, string site) => Assert.Equal(site, SharingSignal.Site(domain));
}
