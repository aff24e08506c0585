using System.Globalization;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Domains;
using Licensing.Tests.Support;

namespace Licensing.Tests.Domains;

public sealed partial class PublicSuffixListTests
{
    /// <summary>
    /// The list's own test cases (tests/test_psl.txt of publicsuffix/list, as Debian ships it beside the list;
    /// refreshed with it by scripts/update-public-suffix-list.sh): every active <c>checkPublicSuffix(input, expected)</c>
    /// line, where expected is the registrable domain. Unicode answers are compared in their punycode form, the form
    /// the list answers in.
    /// </summary>
    public static TheoryData<string?, string?> OfficialCases()
    {
        var data = new TheoryData<string?, string?>();
        foreach (var line in File.ReadLines(Repo.PathTo("tests", "Licensing.Tests", "Domains", "test_psl.txt")))
            if (CheckLine().Match(line) is { Success: true } m)
                data.Add(Unquote(m.Groups["input"].Value), Unquote(m.Groups["expected"].Value));
        return data;
    }

    [GeneratedRegex(@"^checkPublicSuffix\((?<input>null|'[^']*'), (?<expected>null|'[^']*')\);")]
    private static partial Regex CheckLine();

    private static string? Unquote(string s) => s == "null" ? null : s[1..^1];

    [Fact]
    public void The_official_cases_are_all_read() => Assert.True(OfficialCases().Count >= 70, $"only {OfficialCases().Count} cases read");

    [Theory]
    [MemberData(nameof(OfficialCases))]
    public void Official_test_cases(string? input, string? expected)
    {
        var ascii = expected is null ? null : new IdnMapping().GetAscii(expected).ToLowerInvariant();
        Assert.Equal(ascii, PublicSuffixList.RegistrableDomain(input));
    }

    [Theory]
    [InlineData("co.uk", "co.uk", null)]
    [InlineData("shop.example.co.uk", "co.uk", "example.co.uk")]
    [InlineData("github.io", "github.io", null)] // private section
    [InlineData("me.github.io", "github.io", "me.github.io")]
    [InlineData("a.b.me.github.io", "github.io", "me.github.io")]
    [InlineData("app.herokuapp.com", "herokuapp.com", "app.herokuapp.com")]
    [InlineData("site.azurewebsites.net", "azurewebsites.net", "site.azurewebsites.net")]
    [InlineData("x.vercel.app", "vercel.app", "x.vercel.app")]
    [InlineData("bucket.s3.amazonaws.com", "s3.amazonaws.com", "bucket.s3.amazonaws.com")]
    [InlineData("amazonaws.com", "com", "amazonaws.com")]
    [InlineData("example.unlistedtld", "unlistedtld", "example.unlistedtld")] // default rule *
    [InlineData("Shop.Example.CO.UK", "co.uk", "example.co.uk")]
    [InlineData("xn--bcher-kva.de", "de", "xn--bcher-kva.de")]
    public void Public_suffix_and_registrable_domain(string host, string suffix, string? site)
    {
        Assert.Equal(suffix, PublicSuffixList.PublicSuffix(host));
        Assert.Equal(site, PublicSuffixList.RegistrableDomain(host));
        Assert.Equal(site is null, PublicSuffixList.IsPublicSuffix(host));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("::1")]
    [InlineData("2001:db8::1")]
    [InlineData("example.123")]
    [InlineData("")]
    [InlineData(".example.com")]
    [InlineData("example..com")]
    [InlineData("example.com.")]
    public void Ip_addresses_and_malformed_names_have_no_site(string host)
    {
        Assert.Null(PublicSuffixList.RegistrableDomain(host));
        Assert.Null(PublicSuffixList.PublicSuffix(host));
        Assert.False(PublicSuffixList.IsPublicSuffix(host));
        Assert.False(PublicSuffixList.IsWithinOneSite(host));
    }

    [Fact]
    public void The_shipped_list_holds_both_sections()
    {
        var text = File.ReadAllText(Repo.PathTo("functions", "Licensing.Domain", "Domains", "public_suffix_list.dat"));
        Assert.StartsWith("// This Source Code Form is subject to the terms of the Mozilla Public", text, StringComparison.Ordinal);
        Assert.True(PublicSuffixList.RuleCount > 8000, $"{PublicSuffixList.RuleCount} rules");
        foreach (var icann in new[] { "co.uk", "com.au", "kawasaki.jp" })
            Assert.False(PublicSuffixList.IsWithinOneSite(icann), icann);
        foreach (var @private in new[] { "github.io", "herokuapp.com", "azurewebsites.net", "vercel.app" })
            Assert.True(PublicSuffixList.IsPublicSuffix(@private), @private);
    }

    private static PublicSuffixList.Rules Small() => PublicSuffixList.Rules.Parse(new StringReader("""
        // a comment
        com
        uk
        co.uk   trailing text after whitespace is ignored
        *.ck
        !www.ck
        jp
        *.kawasaki.jp
        !city.kawasaki.jp
        platform.example.com
        *.deep.hosting.com
        公司.cn
        """));

    [Theory]
    [InlineData("example.com", "com", "example.com")] // normal rule
    [InlineData("a.b.example.com", "com", "example.com")]
    [InlineData("x.co.uk", "co.uk", "x.co.uk")] // the longest match wins
    [InlineData("test.ck", "test.ck", null)] // wildcard rule
    [InlineData("a.b.test.ck", "test.ck", "b.test.ck")]
    [InlineData("www.ck", "ck", "www.ck")] // exception rule
    [InlineData("www.www.ck", "ck", "www.ck")]
    [InlineData("x.kawasaki.jp", "x.kawasaki.jp", null)]
    [InlineData("city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("www.city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("kawasaki.jp", "jp", "kawasaki.jp")]
    [InlineData("site.platform.example.com", "platform.example.com", "site.platform.example.com")]
    [InlineData("a.unlisted", "unlisted", "a.unlisted")] // default rule *
    [InlineData("unlisted", "unlisted", null)]
    [InlineData("xn--85x722f.xn--55qx5d.cn", "xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn")] // a Unicode rule, read as punycode
    public void The_rule_syntax(string host, string suffix, string? site)
    {
        var rules = Small();
        Assert.Equal(suffix, rules.PublicSuffix(host));
        Assert.Equal(site, rules.RegistrableDomain(host));
    }

    [Theory]
    [InlineData("example.co.uk", true)]
    [InlineData("shop.example.co.uk", true)]
    [InlineData("city.kawasaki.jp", true)]
    [InlineData("co.uk", false)] // a public suffix
    [InlineData("com", false)]
    [InlineData("example.com", false)] // platform.example.com below it is a public suffix
    [InlineData("hosting.com", false)] // *.deep.hosting.com below it
    [InlineData("deep.hosting.com", false)]
    [InlineData("other.com", true)]
    [InlineData("kawasaki.jp", false)] // a registrable domain, but *.kawasaki.jp are public suffixes
    public void Within_one_site(string host, bool expected) => Assert.Equal(expected, Small().IsWithinOneSite(host));

    [Theory]
    [InlineData("a.*.b")]
    [InlineData("!com")]
    [InlineData("under_score.com")]
    [InlineData("a..b")]
    public void A_line_that_is_no_rule_is_refused(string line) =>
        Assert.Throws<FormatException>(() => PublicSuffixList.Rules.Parse(new StringReader(line)));

    /// <summary>Every name below a site belongs to that site, however deep, under every kind of rule.</summary>
    [Property(MaxTest = 300)]
    public bool Names_below_a_site_belong_to_it(PositiveInt a, PositiveInt b, byte pick)
    {
        string[] sites = ["example.com", "example.co.uk", "me.github.io", "app.herokuapp.com", "city.kawasaki.jp", "b.test.ck", "www.ck", "x.unlistedtld"];
        var site = sites[pick % sites.Length];
        var one = $"l{a.Get}.{site}";
        var two = $"m{b.Get}.{one}";
        return PublicSuffixList.RegistrableDomain(site) == site && PublicSuffixList.RegistrableDomain(one) == site
            && PublicSuffixList.RegistrableDomain(two) == site
            && PublicSuffixList.IsWithinOneSite(site) && PublicSuffixList.IsWithinOneSite(one);
    }
}
