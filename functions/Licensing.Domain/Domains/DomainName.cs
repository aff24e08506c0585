using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Licensing.Domain.Common;

namespace Licensing.Domain.Domains;

/// <summary>
/// The one domain normaliser of the codebase (docs/activations.md "Domain normalisation"): case, scheme,
/// user info, port, path, query, trailing dot and a leading <c>www.</c> are dropped, and internationalised names
/// become their punycode (IDNA) form. IP addresses get one form each, as a browser's URL parser (WHATWG) reads them:
/// IPv4 in any form it accepts (<c>0x7f.0.0.1</c>, <c>0177.0.0.1</c>, <c>127.1</c>, <c>2130706433</c>) becomes dotted
/// decimal, an IPv4-mapped IPv6 address (<c>::ffff:8.8.8.8</c>) becomes its IPv4 address, and other IPv6 addresses
/// their compressed lower-case form. A name whose last label is a number is an IPv4 address or nothing, never a host
/// name. Returns null for anything that is not a host name or IP address.
/// </summary>
public static class DomainName
{
    public const int MaxInputLength = 2048;

    /// <summary>The longest normal form: a DNS name of 253 characters (an IP address is shorter).</summary>
    public const int MaxLength = 253;
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>How many normalised inputs each process remembers (<see cref="Normalize"/>), and the longest input remembered.</summary>
    public const int RememberedInputs = 16_384;
    public const int LongestRemembered = 256;

    private static readonly BoundedMemo<string?> Normalized = new(RememberedInputs, LongestRemembered, NormalizeUncached);

    /// <summary>
    /// The normal form of a site's name or address, or null when it is none. A pure function of the input, so each process
    /// remembers its answers (the IDNA mapping costs about a microsecond and every validation asks for its site's form).
    /// </summary>
    public static string? Normalize(string? input) => input is null ? null : Normalized.Get(input);

    /// <summary><see cref="Normalize"/> worked out afresh (what the memo holds).</summary>
    public static string? NormalizeUncached(string input)
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
            var rest = s.AsSpan(close + 1);
            if (!rest.IsEmpty && !(rest[0] == ':' && IsPort(rest[1..]))) return null;
            return IPv6(s[1..close]);
        }

        var colon = s.LastIndexOf(':');
        if (colon >= 0)
        {
            if (s.IndexOf(':') != colon) return IPv6(s);
            if (!IsPort(s.AsSpan(colon + 1))) return null;
            s = s[..colon];
        }

        var ascii = ToAsciiName(s.TrimEnd('.'))?.TrimEnd('.');
        if (string.IsNullOrEmpty(ascii)) return null;
        if (EndsInNumber(ascii)) return IPv4(ascii);
        if (ascii.StartsWith("www.", StringComparison.Ordinal) && ascii.Length > 4) ascii = ascii[4..];
        return IsHostName(ascii) ? ascii : null;
    }

    /// <summary>
    /// Lower-case ASCII (punycode) form of a name, or null when IDNA refuses it. The one IDNA mapping of the codebase:
    /// <see cref="PublicSuffixList"/> reads its rules and hosts through it too.
    /// </summary>
    internal static string? ToAsciiName(string name)
    {
        if (name.Length == 0) return null;
        try
        {
            return Idn.GetAscii(name.ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// WHATWG URL "ends in a number": the last label (ignoring one trailing dot) is decimal digits or <c>0x</c> + hex
    /// digits. Such a name is parsed as IPv4 and is never a host name.
    /// </summary>
    internal static bool EndsInNumber(ReadOnlySpan<char> name)
    {
        if (name.EndsWith('.')) name = name[..^1];
        var last = name[(name.LastIndexOf('.') + 1)..];
        if (last.IsEmpty) return false;
        if (!last.ContainsAnyExcept(Digits)) return true;
        return ParseIPv4Number(last, out _);
    }

    /// <summary>The WHATWG IPv4 parser: 1-4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the
    /// bytes left. Returns dotted decimal, or null when the name is no IPv4 address.</summary>
    private static string? IPv4(string name)
    {
        var text = name.AsSpan();
        if (text.EndsWith('.')) text = text[..^1];
        Span<ulong> parts = stackalloc ulong[4];
        var count = 0;
        foreach (var range in text.Split('.'))
        {
            if (count == 4 || !ParseIPv4Number(text[range], out parts[count])) return null;
            count++;
        }
        for (var i = 0; i < count - 1; i++)
            if (parts[i] > 255) return null;
        if (parts[count - 1] >= 1UL << (8 * (5 - count))) return null;
        var address = parts[count - 1];
        for (var i = 0; i < count - 1; i++) address += parts[i] << (8 * (3 - i));
        return string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");
    }

    private static bool ParseIPv4Number(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        var radix = 10;
        if (s.Length >= 2 && s[0] == '0' && s[1] is 'x' or 'X') { s = s[2..]; radix = 16; }
        else if (s.Length >= 2 && s[0] == '0') { s = s[1..]; radix = 8; }
        foreach (var c in s)
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigit(c) ? (c | 0x20) - 'a' + 10 : 99;
            if (digit >= radix) return false;
            // Anything past 2^32 is refused by the caller; saturate instead of overflowing.
            value = value > uint.MaxValue ? value : value * (ulong)radix + (ulong)digit;
        }
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    private static string? IPv6(string text)
    {
        // Zone ids (fe80::1%eth0) name an interface of the machine that wrote them, not a site; URLs cannot carry them.
        if (text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            return null;
        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : ip.ToString();
    }

    private static bool IsPort(ReadOnlySpan<char> s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535;

    private static bool IsHostName(string s)
    {
        if (s.Length > MaxLength) return false;
        foreach (var range in s.AsSpan().Split('.')) // the labels, without a string each (this runs on every validation)
        {
            var label = s.AsSpan(range);
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var c in label)
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return false;
        }
        return true;
    }
}
