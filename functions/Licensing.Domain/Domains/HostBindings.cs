using System.Net;
using System.Net.Sockets;

namespace Licensing.Domain.Domains;

/// <summary>
/// Domain bindings (what a license is activated on) and development hosts (what never takes a slot).
/// A binding is a normalised host or a wildcard <c>*.example.com</c>, which matches every subdomain of
/// example.com at any depth but not example.com itself. A wildcard covers one site only: <c>*.X</c> needs X to be a
/// registrable domain or a name below one, with no public suffix below X (<see cref="PublicSuffixList.IsWithinOneSite"/>),
/// so <c>*.com</c>, <c>*.co.uk</c>, <c>*.github.io</c> or <c>*.amazonaws.com</c> are refused.
/// </summary>
public static class HostBindings
{
    public const string MalformedBinding = "must be a host name, URL, IP address or *.wildcard";
    public const string WildcardOverPublicSuffix =
        "a wildcard must sit below a registrable domain (*.example.co.uk, not *.co.uk, *.com or *.github.io: public suffixes hold many sites)";

    /// <summary>A binding as given by a founder or customer: a host (normalised) or <c>*.</c> + a host.</summary>
    public static string? NormalizeBinding(string? input) => NormalizeBinding(input, out _);

    /// <summary>As <see cref="NormalizeBinding(string?)"/>, with why a refused binding is refused.</summary>
    public static string? NormalizeBinding(string? input, out string error)
    {
        error = MalformedBinding;
        var (host, wildcard) = Split(input);
        if (host is null || !wildcard) return host;
        if (PublicSuffixList.IsWithinOneSite(host)) return "*." + host;
        if (PublicSuffixList.PublicSuffix(host) is not null) error = WildcardOverPublicSuffix; // else an IP: malformed
        return null;
    }

    /// <summary>
    /// A development-host pattern a vendor sets on a product (<c>developmentHosts.patterns</c>): a host or a wildcard.
    /// Unlike a customer's binding it may sit over a public suffix (<c>*.vercel.app</c> for preview deployments): it is
    /// the vendor's own allowance. Wildcards over a bare TLD or an IP would match the world and are refused.
    /// </summary>
    public static string? NormalizeDevelopmentPattern(string? input)
    {
        var (host, wildcard) = Split(input);
        if (host is null || !wildcard) return host;
        return host.Contains('.', StringComparison.Ordinal) && !IPAddress.TryParse(host, out _) ? "*." + host : null;
    }

    /// <summary>The normalised host of a binding or pattern, and whether it came as <c>*.</c> + host.</summary>
    private static (string? Host, bool Wildcard) Split(string? input)
    {
        var s = input?.Trim();
        var wildcard = s is not null && s.StartsWith("*.", StringComparison.Ordinal);
        return (DomainName.Normalize(wildcard ? s![2..] : s), wildcard);
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

    /// <summary>The suffixes above with their leading dot, made once (not per check: this runs on every validation).</summary>
    private static readonly string[] DottedStagingSuffixes = [.. ManagedStagingSuffixes.Select(s => "." + s)];

    private static readonly string[] DevelopmentTlds = ["local", "localhost", "test", "invalid", "example"];
    private static readonly string[] DevelopmentLabels = ["staging", "stage", "dev"];

    /// <summary>
    /// True for hosts that are development or staging copies: localhost, loopback, private and link-local IPs,
    /// <c>*.local</c>, <c>*.test</c>, <c>*.localhost</c>, <c>*.invalid</c>, <c>*.example</c>, hosts whose first label is
    /// <c>staging</c>, <c>stage</c> or <c>dev</c> below their site, the managed-host staging suffixes above, and any extra
    /// <paramref name="extraPatterns"/> (bindings: exact hosts or <c>*.suffix</c>).
    /// </summary>
    public static bool IsDevelopmentHost(string host, IReadOnlyList<string>? extraPatterns = null)
    {
        if (IPAddress.TryParse(host, out var ip)) return IsPrivate(ip);
        if (host == "localhost") return true;
        var lastDot = host.LastIndexOf('.');
        if (lastDot > 0)
            foreach (var tld in DevelopmentTlds)
                if (host.AsSpan(lastDot + 1).SequenceEqual(tld)) return true;
        if (IsStagingSubdomain(host)) return true;
        foreach (var suffix in DottedStagingSuffixes)
            if (host.EndsWith(suffix, StringComparison.Ordinal)) return true;
        if (extraPatterns is not null)
            foreach (var pattern in extraPatterns)
                if (Matches(pattern, host)) return true;
        return false;
    }

    /// <summary>
    /// A first label <c>staging</c>, <c>stage</c> or <c>dev</c> marks a staging copy only on a subdomain strictly below
    /// the site (the registrable domain): <c>staging.example.co.uk</c> and <c>dev.me.github.io</c> are staging copies,
    /// while <c>dev.to</c>, <c>staging.co.uk</c> and <c>dev.github.io</c> are sites of their own.
    /// </summary>
    private static bool IsStagingSubdomain(string host)
    {
        var firstDot = host.IndexOf('.');
        if (firstDot <= 0) return false;
        var label = host.AsSpan(0, firstDot);
        var marked = false;
        foreach (var development in DevelopmentLabels) marked |= label.SequenceEqual(development);
        return marked && PublicSuffixList.RegistrableDomain(host) is { } site && site.Length < host.Length;
    }

    private static bool IsPrivate(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip)) return true;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
            return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal;
        var b = ip.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || b[0] == 127
            || b[0] == 0;
    }
}
