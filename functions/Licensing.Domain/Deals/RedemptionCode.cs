using System.Security.Cryptography;
using System.Text;

namespace Licensing.Domain.Deals;

/// <summary>
/// Lifetime-deal redemption codes. Generated codes are 16 Crockford base32 symbols (80 random bits) plus one check
/// symbol (mod 37), shown as <c>XXXX-XXXX-XXXX-XXXX-C</c>. Reading is forgiving — case, spaces and dashes are
/// ignored, O reads as 0 and I/L as 1 — and the check symbol catches any single mistyped symbol and most swaps.
/// Imported codes (from AppSumo and the like) keep their own format and are matched after upper-casing and removing
/// spaces. Only a SHA-256 of the canonical form is stored.
/// </summary>
public static class RedemptionCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const string CheckAlphabet = Alphabet + "*~$=U";
    public const int Symbols = 16;

    public static string Generate()
    {
        Span<byte> random = stackalloc byte[10]; // 80 bits
        RandomNumberGenerator.Fill(random);
        var bits = (UInt128)BitConverter.ToUInt64(random[..8]) | ((UInt128)BitConverter.ToUInt16(random[8..]) << 64);
        var symbols = new char[Symbols];
        for (var i = 0; i < Symbols; i++) symbols[i] = Alphabet[(int)((bits >> (5 * i)) & 31)];
        var body = new string(symbols);
        return Format(body + Check(body));
    }

    /// <summary>XXXX-XXXX-XXXX-XXXX-C.</summary>
    public static string Format(string canonical) =>
        canonical.Length == Symbols + 1
            ? string.Join('-', canonical[..4], canonical[4..8], canonical[8..12], canonical[12..16], canonical[16..])
            : canonical;

    /// <summary>The canonical form of a generated code, or null if it is not one (wrong length, symbol or check).</summary>
    public static string? CanonicalGenerated(string? input)
    {
        if (input is null) return null;
        var sb = new StringBuilder(Symbols + 1);
        foreach (var raw in input)
        {
            if (raw is '-' or ' ') continue;
            var c = char.ToUpperInvariant(raw) switch { 'O' => '0', 'I' or 'L' => '1', var u => u };
            sb.Append(c);
        }
        if (sb.Length != Symbols + 1) return null;
        var body = sb.ToString(0, Symbols);
        if (body.Any(c => Alphabet.IndexOf(c) < 0)) return null;
        return Check(body) == sb[Symbols] ? sb.ToString() : null;
    }

    /// <summary>The canonical form of an imported code: upper case, no spaces; 6-64 of [A-Z0-9-].</summary>
    public static string? CanonicalImported(string? input)
    {
        var s = input?.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return s is { Length: >= 6 and <= 64 } && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? s : null;
    }

    /// <summary>The forms a typed code may stand for, most specific first.</summary>
    public static IEnumerable<string> Candidates(string? input)
    {
        if (CanonicalGenerated(input) is { } generated) yield return generated;
        if (CanonicalImported(input) is { } imported) yield return imported;
    }

    public static string Hash(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("code:" + canonical)));

    private static char Check(string body)
    {
        var value = System.Numerics.BigInteger.Zero;
        foreach (var c in body) value = value * 32 + Alphabet.IndexOf(c);
        return CheckAlphabet[(int)(value % 37)];
    }
}
