using System.Net;
using Licensing.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Http;

public static class ClientAddress
{
    /// <summary>
    /// The caller's address for per-address limits and the sharing signal, in one form per address (an IPv4-mapped IPv6
    /// address is its IPv4 address). By default the connection's address: X-Forwarded-For is whatever the client wrote.
    /// Only when <see cref="ClientAddressOptions.Source"/> says the platform sets it (Azure's front ends append the
    /// client's address) is the entry <see cref="ClientAddressOptions.TrustedHops"/> from the end used; a header too short
    /// or unreadable there falls back to the connection.
    /// </summary>
    public static string? Of(HttpRequest request)
    {
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<LicensingOptions>>().Value.ClientAddress;
        if (options.Source == ClientAddressOptions.XForwardedFor && Forwarded(request, options.TrustedHops) is { } forwarded) return Canonical(forwarded);
        return request.HttpContext.Connection.RemoteIpAddress is { } remote ? Canonical(remote) : null;
    }

    private static IPAddress? Forwarded(HttpRequest request, int hops)
    {
        var entries = request.Headers["X-Forwarded-For"].SelectMany(v => (v ?? "").Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
        if (hops < 1 || entries.Length < hops) return null;
        var entry = entries[^hops];
        // Azure may append "ip:port".
        if (IPEndPoint.TryParse(entry, out var endpoint)) return endpoint.Address;
        return IPAddress.TryParse(entry, out var ip) ? ip : null;
    }

    private static string Canonical(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
