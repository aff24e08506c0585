using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Licensing.Domain.Domains;

/// <summary>
/// The one domain normaliser of the codebase (API.md "Domains are compared after normalisation"): case, scheme,
/// user info, port, path, query, trailing dot and a leading <c>www.</c> are dropped, and internationalised names
/// become their punycode (IDNA) form. Returns null for anything that is not a host name or IP address.
/// </summary>
public static class DomainName
{
    public const int MaxInputLength = 2048;
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > MaxInputLength) return null;
        var s = input.Trim();

        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) s = s[(scheme + 3)..];
        else if (s.StartsWith("//", StringComparison.Ordinal)) s = s[2..];

        var end = s.IndexOfAny(['/', '?', '#', '\\']);
        if (end >= 0) s = s[..end];
        var at = s.LastIndexOf('@');
        if (at >= 0) s = s[(at + 1)..];

        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']');
            if (close < 0) return null;
            return IPAddress.TryParse(s[1..close], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6.ToString() : null;
        }

        var colon = s.LastIndexOf(':');
        if (colon >= 0)
        {
            if (s.IndexOf(':') != colon) return IPAddress.TryParse(s, out var bare) && bare.AddressFamily == AddressFamily.InterNetworkV6 ? bare.ToString() : null;
            if (!int.TryParse(s.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535) return null;
            s = s[..colon];
        }

        s = s.TrimEnd('.');
        if (s.Length == 0) return null;
        if (IsIPv4(s)) return s;

        string ascii;
        try
        {
            ascii = Idn.GetAscii(s.ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return null;
        }
        ascii = ascii.ToLowerInvariant();
        if (ascii.StartsWith("www.", StringComparison.Ordinal) && ascii.Length > 4) ascii = ascii[4..];
        return IsHostName(ascii) ? ascii : null;
    }

    private static bool IsIPv4(string s) =>
        s.All(c => char.IsAsciiDigit(c) || c == '.') && s.Count(c => c == '.') == 3 &&
        IPAddress.TryParse(s, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString() == s;

    private static bool IsHostName(string s)
    {
        if (s.Length > 253) return false;
        foreach (var label in s.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var c in label)
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return false;
        }
        // A name made only of digits and dots that is not a valid IPv4 address is not a host.
        return !s.All(c => char.IsAsciiDigit(c) || c == '.');
    }
}
