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

    /// <summary>
    /// The entry <paramref name="hops"/> from the end of X-Forwarded-For (every header line, comma-separated, entries trimmed, empty
    /// ones skipped), or null when there are fewer. Walked from the end over spans: every public request behind a front end reads it.
    /// </summary>
    private static IPAddress? Forwarded(HttpRequest request, int hops)
    {
        if (hops < 1) return null;
        var values = request.Headers["X-Forwarded-For"];
        var seen = 0;
        for (var line = values.Count - 1; line >= 0; line--)
        {
            var rest = (values[line] ?? "").AsSpan();
            while (true)
            {
                var comma = rest.LastIndexOf(',');
                var entry = rest[(comma + 1)..].Trim();
                if (entry.Length > 0 && ++seen == hops) return Parse(entry);
                if (comma < 0) break;
                rest = rest[..comma];
            }
        }
        return null;
    }

    /// <summary>An entry as an address; Azure may append "ip:port".</summary>
    private static IPAddress? Parse(ReadOnlySpan<char> entry) =>
        IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address : IPAddress.TryParse(entry, out var ip) ? ip : null;

    private static string Canonical(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
