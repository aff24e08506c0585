using System.Net;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Licensing.Tests.Http;

/// <summary>
/// The caller's address behind a front end: the entry the trusted hops name from the end of X-Forwarded-For, read over every
/// header line, entries trimmed and empty ones skipped, "ip:port" and IPv4-mapped forms made one; the connection's address
/// when the header is too short or that entry is not an address. Checked on fixed cases and against the plain reading of the
/// rule (split every line, trim, drop empties, take the entry hops from the end) for generated headers.
/// </summary>
public sealed class ClientAddressTests
{
    private static readonly IPAddress Connection = IPAddress.Parse("10.1.2.3");

    private static string? Of(StringValues header, int hops, string source = ClientAddressOptions.XForwardedFor)
    {
        var services = new ServiceCollection();
        services.Configure<LicensingOptions>(o => (o.ClientAddress.Source, o.ClientAddress.TrustedHops) = (source, hops));
        var context = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        context.Connection.RemoteIpAddress = Connection;
        if (header.Count > 0) context.Request.Headers["X-Forwarded-For"] = header;
        return ClientAddress.Of(context.Request);
    }

    /// <summary>The rule as written: every entry of every line, trimmed, empty ones dropped; the one hops from the end.</summary>
    private static string? Plain(StringValues header, int hops)
    {
        var entries = header.SelectMany(v => (v ?? "").Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
        IPAddress? address = null;
        if (hops >= 1 && entries.Length >= hops)
        {
            var entry = entries[^hops];
            address = IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address : IPAddress.TryParse(entry, out var ip) ? ip : null;
        }
        address ??= Connection;
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    [Theory]
    [InlineData("203.0.113.7", 1, "203.0.113.7")]
    [InlineData("198.51.100.1, 203.0.113.7:40001", 1, "203.0.113.7")]
    [InlineData("198.51.100.1, 203.0.113.7:40001", 2, "198.51.100.1")]
    [InlineData("198.51.100.1, 203.0.113.7", 3, "10.1.2.3")]
    [InlineData("::ffff:192.0.2.9", 1, "192.0.2.9")]
    [InlineData("[2001:db8::1]:443", 1, "2001:db8::1")]
    [InlineData("2001:db8::1", 1, "2001:db8::1")]
    [InlineData(" 198.51.100.1 ,, 203.0.113.7 , ", 2, "198.51.100.1")]
    [InlineData("198.51.100.1, not-an-address", 1, "10.1.2.3")]
    [InlineData("", 1, "10.1.2.3")]
    public void The_entry_the_trusted_hops_name_from_the_end(string header, int hops, string expected)
    {
        Assert.Equal(expected, Of(header, hops));
        Assert.Equal(expected, Plain(header, hops));
    }

    [Fact]
    public void Every_header_line_counts_in_order()
    {
        StringValues lines = new(["198.51.100.1, 198.51.100.2", "203.0.113.7"]);
        Assert.Equal(("203.0.113.7", "198.51.100.2", "198.51.100.1"), (Of(lines, 1), Of(lines, 2), Of(lines, 3)));
    }

    [Fact]
    public void By_default_the_header_is_the_clients_own_words_and_not_read()
    {
        Assert.Equal("10.1.2.3", Of("203.0.113.7", 1, ClientAddressOptions.Connection));
    }

    [Fact]
    public void Generated_headers_read_as_the_plain_rule_reads_them()
    {
        var random = new Random(20261201);
        string[] pieces = ["203.0.113.7", "198.51.100.23:8080", "::ffff:192.0.2.9", "[2001:db8::5]:443", "2001:db8::7", "garbage", "", " ", "10.0.0.1 "];
        for (var i = 0; i < 500; i++)
        {
            var lines = new string[random.Next(1, 4)];
            for (var l = 0; l < lines.Length; l++)
                lines[l] = string.Join(random.Next(2) == 0 ? "," : ", ",
                    Enumerable.Range(0, random.Next(0, 5)).Select(_ => pieces[random.Next(pieces.Length)]));
            var header = new StringValues(lines);
            for (var hops = 1; hops <= 4; hops++)
                Assert.True(Plain(header, hops) == Of(header, hops), $"hops {hops}, header [{string.Join(" | ", lines)}]");
        }
    }
}
