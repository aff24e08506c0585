using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Domains;

namespace Licensing.Tests.Domains;

public sealed class HostBindingsTests
{
    /// <summary>A wildcard at or above a public suffix (either section of the list) covers many sites: refused.</summary>
    [Theory]
    [InlineData("*.com")]
    [InlineData("*.co.uk")]
    [InlineData("*.com.au")]
    [InlineData("*.github.io")]
    [InlineData("*.herokuapp.com")]
    [InlineData("*.azurewebsites.net")]
    [InlineData("*.vercel.app")]
    [InlineData("*.GitHub.IO.")]
    [InlineData("*.https://co.uk/")]
    [InlineData("*.blogspot.com")]
    [InlineData("*.kawasaki.jp")] // not a suffix itself, but every x.kawasaki.jp is one
    [InlineData("*.x.kawasaki.jp")]
    [InlineData("*.amazonaws.com")] // Amazon's own domain, with s3.amazonaws.com and others below it
    [InlineData("*.s3.amazonaws.com")]
    [InlineData("*.unlistedtld")] // the default rule: every TLD is a public suffix
    public void Wildcards_over_public_suffixes_are_refused(string input)
    {
        Assert.Null(HostBindings.NormalizeBinding(input, out var error));
        Assert.Equal(HostBindings.WildcardOverPublicSuffix, error);
    }

    [Theory]
    [InlineData("*.example.co.uk", "*.example.co.uk")]
    [InlineData("*.me.github.io", "*.me.github.io")]
    [InlineData("*.Shop.Example.COM.AU", "*.shop.example.com.au")]
    [InlineData("*.myapp.herokuapp.com", "*.myapp.herokuapp.com")]
    [InlineData("*.city.kawasaki.jp", "*.city.kawasaki.jp")] // an exception rule makes it a site
    [InlineData("*.bücher.de", "*.xn--bcher-kva.de")]
    public void Wildcards_below_a_registrable_domain_are_kept(string input, string expected)
    {
        Assert.Equal(expected, HostBindings.NormalizeBinding(input, out _));
        // and they cover their own site only
        var site = PublicSuffixList.RegistrableDomain(expected[2..]);
        Assert.Equal(site, PublicSuffixList.RegistrableDomain("a.b." + expected[2..]));
    }

    [Theory]
    [InlineData("*.127.0.0.1")]
    [InlineData("*.0x7f.1")]
    [InlineData("*.::1")]
    [InlineData("*.[::1]")]
    [InlineData("*.")]
    [InlineData("*.exa mple.com")]
    public void Wildcards_over_ip_addresses_or_nothing_are_malformed(string input)
    {
        Assert.Null(HostBindings.NormalizeBinding(input, out var error));
        Assert.Equal(HostBindings.MalformedBinding, error);
    }

    /// <summary>For any host: a kept wildcard over it covers exactly one site; a refused one was over a public suffix.</summary>
    [Property(MaxTest = 300)]
    public bool A_kept_wildcard_covers_one_site(PositiveInt a, byte depth, byte pick)
    {
        string[] suffixes = ["com", "co.uk", "com.au", "github.io", "herokuapp.com", "azurewebsites.net", "vercel.app", "kawasaki.jp", "ck", "amazonaws.com",
            "s3.amazonaws.com"];
        var host = suffixes[pick % suffixes.Length];
        for (var i = 0; i < depth % 3; i++) host = $"l{a.Get + i}.{host}";
        var binding = HostBindings.NormalizeBinding("*." + host);
        if (binding is null) return PublicSuffixList.IsPublicSuffix(host) || !PublicSuffixList.IsWithinOneSite(host);
        var site = PublicSuffixList.RegistrableDomain(host);
        var under = $"x{a.Get}.y.{host}";
        return site is not null && HostBindings.Matches(binding, under) && PublicSuffixList.RegistrableDomain(under) == site;
    }

    [Theory]
    [InlineData("*.vercel.app", "*.vercel.app")] // a vendor's own allowance may sit over a public suffix
    [InlineData("*.preview.mycdn.net", "*.preview.mycdn.net")]
    [InlineData("*.com", null)]
    [InlineData("*.127.0.0.1", null)]
    public void Development_patterns_are_the_vendors_choice(string input, string? expected) =>
        Assert.Equal(expected, HostBindings.NormalizeDevelopmentPattern(input));

    /// <summary>
    /// A first label staging/stage/dev marks a staging copy only strictly below the site, by the Public Suffix List,
    /// not by counting dots: staging.co.uk and dev.github.io are sites of their own.
    /// </summary>
    [Theory]
    [InlineData("staging.example.com", true)]
    [InlineData("dev.example.co.uk", true)]
    [InlineData("stage.shop.example.com", true)]
    [InlineData("dev.me.github.io", true)]
    [InlineData("dev.myapp.herokuapp.com", true)]
    [InlineData("dev.to", false)]
    [InlineData("staging.co.uk", false)]
    [InlineData("dev.github.io", false)]
    [InlineData("stage.herokuapp.com", false)]
    [InlineData("staging.com.au", false)]
    [InlineData("dev.vercel.app", false)]
    [InlineData("devx.example.com", false)]
    [InlineData("shop.staging.com", false)]
    public void Staging_labels_count_only_below_the_site(string host, bool expected) =>
        Assert.Equal(expected, HostBindings.IsDevelopmentHost(host));

    [Theory]
    [InlineData("0x7f.0.0.1", true)] // loopback, whatever its form
    [InlineData("127.1", true)]
    [InlineData("2130706433", true)]
    [InlineData("[::ffff:127.0.0.1]", true)]
    [InlineData("0xc0.0xa8.1.1", true)]
    [InlineData("0x08.8.8.8", false)]
    [InlineData("::ffff:8.8.8.8", false)]
    public void Ip_forms_are_development_hosts_by_their_address(string input, bool expected)
    {
        var host = DomainName.Normalize(input);
        Assert.NotNull(host);
        Assert.Equal(expected, HostBindings.IsDevelopmentHost(host));
    }
}
