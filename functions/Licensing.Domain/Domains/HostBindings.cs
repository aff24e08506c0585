using System.Net;
using System.Net.Sockets;

namespace Licensing.Domain.Domains;

/// <summary>
/// Domain bindings (what a license is activated on) and development hosts (what never takes a slot).
/// A binding is a normalised host or a wildcard <c>*.example.com</c>, which matches every subdomain of
/// example.com at any depth but not example.com itself.
/// </summary>
public static class HostBindings
{
    /// <summary>A binding as given by a founder or customer: a host (normalised) or <c>*.</c> + a host.</summary>
    public static string? NormalizeBinding(string? input)
    {
        var s = input?.Trim();
        if (s is not null && s.StartsWith("*.", StringComparison.Ordinal))
        {
            var rest = DomainName.Normalize(s[2..]);
            // Wildcards over a bare TLD or an IP would match the world: refused.
            return rest is null || !rest.Contains('.') || IPAddress.TryParse(rest, out _) ? null : "*." + rest;
        }
        return DomainName.Normalize(s);
    }

    public static bool IsWildcard(string binding) => binding.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>Does <paramref name="binding"/> cover <paramref name="host"/> (both normalised)?</summary>
    public static bool Matches(string binding, string host) =>
        IsWildcard(binding)
            ? host.Length > binding.Length - 1 && host.EndsWith(binding.AsSpan(1), StringComparison.Ordinal)
            : string.Equals(binding, host, StringComparison.Ordinal);

    /// <summary>
    /// Staging and preview hosts of common managed WordPress and local-development tools. A customer's staging copy
    /// of their site must not use up a slot; these suffixes are where those copies live.
    /// </summary>
    public static IReadOnlyList<string> ManagedStagingSuffixes { get; } =
    [
        "wpengine.com", "wpenginepowered.com", "kinsta.cloud", "flywheelsites.com", "flywheelstaging.com", "pantheonsite.io",
        "cloudwaysapps.com", "wpcomstaging.com", "myftpupload.com", "mystagingwebsite.com", "instawp.xyz", "tempurl.host",
        "onrocket.site", "lndo.site", "ddev.site", "ngrok.io", "ngrok-free.app",
    ];

    private static readonly string[] DevelopmentTlds = ["local", "localhost", "test", "invalid", "example"];
    private static readonly string[] DevelopmentLabels = ["staging", "stage", "dev"];

    /// <summary>
    /// True for hosts that are development or staging copies: localhost, loopback, private and link-local IPs,
    /// <c>*.local</c>, <c>*.test</c>, <c>*.localhost</c>, <c>*.invalid</c>, <c>*.example</c>, hosts whose first label is
    /// <c>staging</c>, <c>stage</c> or <c>dev</c>, the managed-host staging suffixes above, and any extra
    /// <paramref name="extraPatterns"/> (bindings: exact hosts or <c>*.suffix</c>).
    /// </summary>
    public static bool IsDevelopmentHost(string host, IReadOnlyList<string>? extraPatterns = null)
    {
        if (IPAddress.TryParse(host, out var ip)) return IsPrivate(ip);
        if (host == "localhost") return true;
        var lastDot = host.LastIndexOf('.');
        if (lastDot > 0 && DevelopmentTlds.Contains(host[(lastDot + 1)..])) return true;
        var firstDot = host.IndexOf('.');
        if (firstDot > 0 && host.IndexOf('.', firstDot + 1) > 0 && DevelopmentLabels.Contains(host[..firstDot])) return true;
        foreach (var suffix in ManagedStagingSuffixes)
            if (host.EndsWith("." + suffix, StringComparison.Ordinal)) return true;
        if (extraPatterns is not null)
            foreach (var pattern in extraPatterns)
                if (Matches(pattern, host)) return true;
        return false;
    }

    private static bool IsPrivate(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip)) return true;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
            return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal;
        var b = ip.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || b[0] == 127 || b[0] == 0;
    }
}
