using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Domains;

namespace Licensing.Tests.Domain;

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
    [InlineData("1.2.3")]
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
        var decorated = (https ? "https://" : "http://") + (www ? "www." : "") + (upper ? host.ToUpperInvariant() : host) + ":" + (port.Get % 65535) + "/a/b?c=d";
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

    [Theory]
    [InlineData("*.Example.COM", "*.example.com")]
    [InlineData("*.com", null)]
    [InlineData("*.127.0.0.1", null)]
    [InlineData("*.", null)]
    public void Wildcard_bindings_normalise(string input, string? expected) =>
        Assert.Equal(expected, Licensing.Domain.Domains.HostBindings.NormalizeBinding(input));
}
