using System.Net;
using System.Net.Sockets;

namespace Licensing.Domain.Webhooks;

/// <summary>
/// Where webhooks may go. In Azure only <c>https</c> URLs whose host resolves to a public address: never private,
/// loopback, link-local (the cloud metadata service at 169.254.169.254 included), CGNAT, multicast, reserved or
/// documentation ranges, in IPv4 or any IPv6 form that embeds one (mapped, compatible, NAT64, 6to4). Locally, with
/// <c>allowLoopback</c>, plain <c>http</c> to a loopback address is allowed too, so a receiver on the same machine can
/// test. The URL is checked when it is registered and the address it resolves to on every connection.
/// </summary>
public static class WebhookTargets
{
    public const int MaxUrlLength = 2048;

    /// <summary>The URL if it may be registered; otherwise null and why.</summary>
    public static Uri? CheckUrl(string? url, bool allowLoopback, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return Fail($"must be an absolute https URL of at most {MaxUrlLength} characters", out error);
        if (uri.Scheme != Uri.UriSchemeHttps && !(allowLoopback && uri.Scheme == Uri.UriSchemeHttp))
            return Fail(allowLoopback ? "must be an http or https URL" : "must be an https URL", out error);
        if (!string.IsNullOrEmpty(uri.UserInfo)) return Fail("must not carry a user name or password", out error);
        if (!string.IsNullOrEmpty(uri.Fragment)) return Fail("must not have a fragment", out error);
        var host = uri.IdnHost.TrimEnd('.');
        if (IPAddress.TryParse(uri.HostNameType == UriHostNameType.IPv6 ? host.Trim('[', ']') : host, out var literal))
        {
            if (!IsAllowed(literal, allowLoopback)) return Fail("must point to a public address", out error);
            if (uri.Scheme == Uri.UriSchemeHttp && !IPAddress.IsLoopback(Unwrap(literal))) return Fail("must be an https URL", out error);
            return uri;
        }
        var loopbackName = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        if (loopbackName && !allowLoopback) return Fail("must point to a public address", out error);
        if (uri.Scheme == Uri.UriSchemeHttp && !loopbackName) return Fail("must be an https URL (http only to a loopback address)", out error);
        if (!host.Contains('.', StringComparison.Ordinal) && !loopbackName) return Fail("must name a public host", out error);
        return uri;
    }

    /// <summary>Whether a connection may be made to <paramref name="address"/>: a public one, or loopback when allowed.</summary>
    public static bool IsAllowed(IPAddress address, bool allowLoopback)
    {
        var a = Unwrap(address);
        if (IPAddress.IsLoopback(a)) return allowLoopback;
        return a.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(a.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(a),
            _ => false,
        };
    }

    /// <summary>The IPv4 address an IPv6 address embeds (mapped, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16), or the address itself.</summary>
    public static IPAddress Unwrap(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var b = address.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1)) return new IPAddress(b.AsSpan(12, 4));
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0) return new IPAddress(b.AsSpan(12, 4));
        if (b[0] == 0x20 && b[1] == 0x02) return new IPAddress(b.AsSpan(2, 4));
        return address;
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => !(
        b[0] is 0 or 10 or 127 or >= 224                      // this network, private, loopback, multicast and reserved (240/4, broadcast)
        || (b[0] == 100 && (b[1] & 0xC0) == 64)               // 100.64.0.0/10 shared address space (CGNAT)
        || (b[0] == 169 && b[1] == 254)                       // link-local, the metadata service 169.254.169.254 included
        || (b[0] == 172 && (b[1] & 0xF0) == 16)               // 172.16.0.0/12
        || (b[0] == 192 && b[1] == 168)                       // 192.168.0.0/16
        || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)       // IETF protocol assignments, TEST-NET-1
        || (b[0] == 198 && (b[1] & 0xFE) == 18)               // 198.18.0.0/15 benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100)         // TEST-NET-2
        || (b[0] == 203 && b[1] == 0 && b[2] == 113));        // TEST-NET-3

    private static bool IsPublicV6(IPAddress a)
    {
        var b = a.GetAddressBytes();
        if (b.AsSpan().IndexOfAnyExcept((byte)0) < 0) return false;                 // ::
        if ((b[0] & 0xFE) == 0xFC) return false;                                      // fc00::/7 unique local
        if (b[0] == 0xFE && (b[1] & 0xC0) is 0x80 or 0xC0) return false;             // fe80::/10 link-local, fec0::/10 site-local
        if (b[0] == 0xFF) return false;                                               // multicast
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false; // 2001:db8::/32 documentation
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return false; // 2001::/32 Teredo (hides an IPv4 address)
        if (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) return false; // 100::/64 discard
        return (b[0] & 0xE0) == 0x20;                                                 // 2000::/3 global unicast only
    }

    private static Uri? Fail(string message, out string error)
    {
        error = message;
        return null;
    }
}
