using System.Net;
using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Domains;

namespace Licensing.Tests.Domains;

public sealed class DomainNameTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("EXAMPLE.com", "example.com")]
    [InlineData("https://example.com", "example.com")]
    [InlineData("http://www.example.com:8080/path?q=1#frag", "example.com")]
    [InlineData("www.example.com", "example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("  Shop.Example.COM/  ", "shop.example.com")]
    [InlineData("//example.com/x", "example.com")]
    [InlineData("user:pw@example.com", "example.com")]
    [InlineData("bücher.de", "xn--bcher-kva.de")]
    [InlineData("https://www.BÜCHER.de/", "xn--bcher-kva.de")]
    [InlineData("xn--bcher-kva.de", "xn--bcher-kva.de")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.1:8080", "127.0.0.1")]
    [InlineData("[::1]:443", "::1")]
    [InlineData("localhost", "localhost")]
    [InlineData("www2.example.com", "www2.example.com")]
    // A shortened IPv4 address, as browsers read it (this was refused before IPv4 forms were normalised).
    [InlineData("1.2.3", "1.2.0.3")]
    public void Normalises(string input, string expected) => Assert.Equal(expected, DomainName.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("exa mple.com")]
    [InlineData("-example.com")]
    [InlineData("example..com")]
    [InlineData("http://")]
    [InlineData("example.com:99999")]
    [InlineData("example.com:abc")]
    [InlineData("under_score.com")]
    [InlineData("[::1")]
    public void Refuses(string input) => Assert.Null(DomainName.Normalize(input));

    [Property(MaxTest = 500)]
    public bool Normalising_twice_changes_nothing(NonNull<string> input)
    {
        var once = DomainName.Normalize(input.Get);
        return once is null || DomainName.Normalize(once) == once;
    }

    [Property(MaxTest = 500)]
    public bool Scheme_case_port_path_and_www_never_change_the_result(PositiveInt port, bool www, bool upper, bool https)
    {
        const string host = "shop.example.com";
        var decorated = (https ? "https://" : "http://") + (www ? "www." : "") + (upper ? host.ToUpperInvariant() : host) + ":" + (port.Get % 65535)
            + "/a/b?c=d";
        return DomainName.Normalize(decorated) == host;
    }

    [Property(MaxTest = 300)]
    public bool A_result_is_lower_case_ascii(NonNull<string> input)
    {
        var result = DomainName.Normalize(input.Get);
        return result is null || result.All(c => c < 128 && !char.IsUpper(c));
    }

    [Property(MaxTest = 300)]
    public bool A_wildcard_covers_every_subdomain_and_nothing_else(PositiveInt label, bool deeper)
    {
        const string binding = "*.example.com";
        var sub = "s" + label.Get + (deeper ? ".x" : "") + ".example.com";
        return Licensing.Domain.Domains.HostBindings.Matches(binding, sub)
            && !Licensing.Domain.Domains.HostBindings.Matches(binding, "example.com")
            && !Licensing.Domain.Domains.HostBindings.Matches(binding, "s" + label.Get + "example.com");
    }

    /// <summary>IPv4 in every form a browser's URL parser (WHATWG) accepts becomes dotted decimal.</summary>
    [Theory]
    [InlineData("0x7f.0.0.1", "127.0.0.1")] // hex
    [InlineData("0X7F.0.0.1", "127.0.0.1")]
    [InlineData("0177.0.0.1", "127.0.0.1")] // octal
    [InlineData("127.1", "127.0.0.1")] // shortened: the last part fills the bytes left
    [InlineData("127.0.1", "127.0.0.1")]
    [InlineData("2130706433", "127.0.0.1")] // one integer
    [InlineData("0x7f000001", "127.0.0.1")]
    [InlineData("017700000001", "127.0.0.1")]
    [InlineData("http://0x7f.1:8080/wp-admin", "127.0.0.1")]
    [InlineData("8.8.8.8.", "8.8.8.8")]
    [InlineData("0x08.0x08.010.8", "8.8.8.8")]
    [InlineData("134744072", "8.8.8.8")]
    [InlineData("1.2.3.0x", "1.2.3.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("4294967295", "255.255.255.255")]
    [InlineData("１２７.０.０.１", "127.0.0.1")] // full-width digits: IDNA maps them first, as browsers do
    public void Ipv4_forms_become_dotted_decimal(string input, string expected) => Assert.Equal(expected, DomainName.Normalize(input));

    /// <summary>A name whose last label is a number is an IPv4 address or nothing: never a host name.</summary>
    [Theory]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.256")]
    [InlineData("1.2.65536")]
    [InlineData("4294967296")]
    [InlineData("0x100000000")]
    [InlineData("1.2.3.4.5")]
    [InlineData("08.0.0.1")] // 8 is no octal digit
    [InlineData("0x7g.0.0.1")]
    [InlineData("1..2.3")]
    [InlineData("example.123")]
    [InlineData("example.0x1f")]
    [InlineData("www.127.0.0.1")]
    [InlineData("99999999999999999999999")]
    public void Names_ending_in_a_number_that_are_no_ipv4_address_are_refused(string input) => Assert.Null(DomainName.Normalize(input));

    [Theory]
    [InlineData("::ffff:8.8.8.8", "8.8.8.8")] // IPv4-mapped IPv6 is the IPv4 address
    [InlineData("[::ffff:8.8.8.8]", "8.8.8.8")]
    [InlineData("[::FFFF:808:808]:443", "8.8.8.8")]
    [InlineData("https://[::ffff:127.0.0.1]:8443/", "127.0.0.1")]
    [InlineData("2001:DB8:0:0:0:0:0:1", "2001:db8::1")] // compressed, lower case
    [InlineData("[2001:0db8:0000::0001]", "2001:db8::1")]
    [InlineData("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1")]
    [InlineData("[0:0:0:0:0:0:0:1]", "::1")]
    public void Ipv6_forms_become_one(string input, string expected) => Assert.Equal(expected, DomainName.Normalize(input));

    [Theory]
    [InlineData("fe80::1%eth0")]
    [InlineData("[fe80::1%25eth0]")]
    [InlineData("[::1]x")]
    [InlineData("[::1]:99999")]
    [InlineData("[::1]:")]
    [InlineData("[8.8.8.8]")]
    [InlineData("::gggg")]
    public void Malformed_ipv6_is_refused(string input) => Assert.Null(DomainName.Normalize(input));

    /// <summary>Any 32-bit address, in any browser-accepted form (one integer, 2, 3 or 4 parts, each decimal, octal or
    /// hex), and IPv4-mapped in IPv6, normalises to what <see cref="IPAddress"/> prints for it.</summary>
    [Property(MaxTest = 500)]
    public bool Every_form_of_an_ipv4_address_normalises_to_its_dotted_quad(uint address, byte partsPick, int radixPicks)
    {
        var expected = new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]);
        var parts = partsPick % 4 + 1;
        var values = new ulong[parts];
        for (var i = 0; i < parts - 1; i++) values[i] = (address >> (8 * (3 - i))) & 255;
        values[parts - 1] = address & (parts == 1 ? uint.MaxValue : (1UL << (8 * (5 - parts))) - 1);
        var text = string.Join('.', values.Select((v, i) => ((radixPicks >> (2 * i)) & 3) switch
        {
            0 => v.ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => "0x" + v.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
            2 => "0X" + v.ToString("X", System.Globalization.CultureInfo.InvariantCulture),
            _ => "0" + Convert.ToString((long)v, 8),
        }));
        return DomainName.Normalize(text) == expected.ToString()
            && DomainName.Normalize("[" + expected.MapToIPv6() + "]:443") == expected.ToString()
            && DomainName.Normalize("::ffff:" + expected) == expected.ToString();
    }

    /// <summary>Whatever comes in, a result whose last label is all digits is a canonical IPv4 address.</summary>
    [Property(MaxTest = 500)]
    public bool A_result_ending_in_digits_is_a_canonical_ipv4_address(NonNull<string> input, uint a, byte form)
    {
        var candidates = new[] { input.Get, a.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + input.Get, input.Get + "." + (form % 10),
            "x" + form + "." + a };
        foreach (var candidate in candidates)
        {
            var result = DomainName.Normalize(candidate);
            if (result is null || !result.Split('.')[^1].All(char.IsAsciiDigit)) continue;
            if (!IPAddress.TryParse(result, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || ip.ToString() != result)
                return false;
        }
        return true;
    }

    [Theory]
    [InlineData("*.Example.COM", "*.example.com")]
    [InlineData("*.com", null)]
    [InlineData("*.127.0.0.1", null)]
    [InlineData("*.", null)]
    public void Wildcard_bindings_normalise(string input, string? expected) =>
        Assert.Equal(expected, Licensing.Domain.Domains.HostBindings.NormalizeBinding(input));

    [Property(MaxTest = 500)]
    public bool Remembered_forms_equal_the_forms_worked_out_afresh(NonNull<string> input, bool asUrl)
    {
        var value = asUrl ? $"https://{input.Get}.Example.com/path" : input.Get;
        var expected = DomainName.NormalizeUncached(value);
        return DomainName.Normalize(value) == expected && DomainName.Normalize(value) == expected;
    }

    [Fact]
    public void Past_its_capacity_the_memo_starts_over_and_every_form_stays_right()
    {
        var inputs = Enumerable.Range(0, DomainName.RememberedInputs * 2 + 100)
            .Select(i => i % 3 == 0 ? $"HTTPS://WWW.Site-{i}.Example.com/" : i % 3 == 1 ? $"bad site {i}" : $"bücher-{i}.de").ToArray();
        foreach (var round in Enumerable.Range(0, 2))
            foreach (var input in inputs)
                Assert.Equal(DomainName.NormalizeUncached(input), DomainName.Normalize(input));
        Assert.Equal("site-3.example.com", DomainName.Normalize("HTTPS://WWW.Site-3.Example.com/"));
        Assert.Null(DomainName.Normalize("bad site 1"));
    }

    [Fact]
    public void An_input_too_long_to_remember_is_normalised_all_the_same()
    {
        var label = new string('a', 60);
        var input = "https://" + string.Join('.', Enumerable.Repeat(label, 4)) + ".com/" + new string('p', DomainName.LongestRemembered);
        Assert.True(input.Length > DomainName.LongestRemembered);
        Assert.Equal(string.Join('.', Enumerable.Repeat(label, 4)) + ".com", DomainName.Normalize(input));
        Assert.Equal(DomainName.Normalize(input), DomainName.Normalize(input));
        Assert.Null(DomainName.Normalize(new string('x', DomainName.MaxInputLength + 1)));
    }
}
