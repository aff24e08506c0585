using System.Security.Cryptography;
using System.Text;

namespace Licensing.Domain.Signing;

/// <summary>
/// Keys people can type (docs/license-keys.md, "Short keys"): 25 Crockford base32 symbols in five groups of five,
/// <c>XXXXX-XXXXX-XXXXX-XXXXX-XXXXX</c>, 125 bits:
/// <list type="bullet">
/// <item>5 bits: the version of the MAC secret that made it (1-31), so the secret can be rotated without
/// invalidating keys already issued: new keys use the newest version, keys of older versions still verify while
/// their secret is kept;</item>
/// <item>75 bits: random (the key's identity; its SHA-256 is what storage keeps);</item>
/// <item>45 bits: HMAC-SHA256(secret of that version, "SK1" ‖ version ‖ random), truncated.</item>
/// </list>
/// A forged or mistyped key fails the MAC in memory (a random guess passes with probability 2^-45), so it is
/// <c>NOT_FOUND</c> before any storage read. Typing is forgiving: case, spaces and dashes do not matter, and
/// <c>O</c> reads as <c>0</c>, <c>I</c> and <c>L</c> as <c>1</c> (Crockford's decoding; <c>U</c> is not a symbol).
/// </summary>
public static class ShortKey
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int Symbols = 25;
    public const int GroupLength = 5;
    public const int VersionBits = 5;
    public const int RandomBits = 75;
    public const int MacBits = 45;
    public const int MaxVersion = (1 << VersionBits) - 1;

    /// <summary>Whether the text has the shape of a short key (after forgiving normalisation), MAC not checked.</summary>
    public static bool HasShape(string? text) => Normalize(text) is not null;

    /// <summary>A new key made with the secret of <paramref name="version"/>.</summary>
    public static string New(int version, ReadOnlySpan<byte> secret)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        return Format(Compose(version, random, secret));
    }

    /// <summary>
    /// The key of one license, derived rather than drawn: its 75 identity bits are HMAC-SHA256(secret, "SK1R" ‖ version ‖
    /// <paramref name="accountId"/> ‖ 0 ‖ <paramref name="licenseId"/>), truncated. Without the secret they are as unpredictable
    /// as random bits; with it the server can show the same key again (a replayed request, the license's GET, an e-mail)
    /// while storing only the key's hash.
    /// </summary>
    public static string Derive(int version, ReadOnlySpan<byte> secret, string accountId, string licenseId)
    {
        var message = Encoding.UTF8.GetBytes($"SK1R\u0000{accountId}\u0000{licenseId}");
        message[4] = (byte)version;
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, message, mac);
        return Format(Compose(version, mac[..10], secret));
    }

    /// <summary>
    /// The canonical form of typed text (upper case, O→0, I/L→1, no spaces or dashes, grouped), or null when it is not
    /// 25 symbols of the alphabet.
    /// </summary>
    public static string? Normalize(string? text)
    {
        if (text is null || text.Length > 64) return null;
        Span<char> symbols = stackalloc char[Symbols];
        var n = 0;
        foreach (var raw in text)
        {
            if (raw is ' ' or '-' or '\t') continue;
            var c = char.ToUpperInvariant(raw) switch { 'O' => '0', 'I' or 'L' => '1', var other => other };
            if (Alphabet.IndexOf(c) < 0 || n == Symbols) return null;
            symbols[n++] = c;
        }
        return n == Symbols ? Group(symbols) : null;
    }

    /// <summary>
    /// Checks typed text against the secrets it may have been made with, with no I/O. Returns the canonical key when
    /// its MAC verifies with the secret of the version it names.
    /// </summary>
    public static bool TryVerify(string? text, Func<int, byte[]?> secretOfVersion, out string canonical)
    {
        canonical = "";
        var normalized = Normalize(text);
        if (normalized is null) return false;
        var bits = ToBits(normalized);
        var version = (int)(bits >> 120) & MaxVersion;
        if (version == 0 || secretOfVersion(version) is not { } secret) return false;
        Span<byte> random = stackalloc byte[10];
        var r = ((bits >> MacBits) & ((UInt128.One << RandomBits) - 1)) << 5;
        for (var i = 0; i < 10; i++) random[i] = (byte)((r >> (72 - 8 * i)) & 0xFF);
        Span<byte> expected = stackalloc byte[16], presented = stackalloc byte[16];
        BitConverter.TryWriteBytes(expected, Compose(version, random, secret));
        BitConverter.TryWriteBytes(presented, bits);
        if (!CryptographicOperations.FixedTimeEquals(expected, presented)) return false;
        canonical = normalized;
        return true;
    }

    /// <summary>The key's bits: <paramref name="version"/>, the first 75 bits of <paramref name="random"/> (10 bytes) and their MAC.</summary>
    private static UInt128 Compose(int version, ReadOnlySpan<byte> random, ReadOnlySpan<byte> secret)
    {
        if (version is < 1 or > MaxVersion) throw new ArgumentOutOfRangeException(nameof(version), $"1-{MaxVersion}");
        UInt128 r = 0;
        for (var i = 0; i < 10; i++) r = (r << 8) | random[i];
        r >>= 5; // 80 bits held, 75 used
        Span<byte> message = stackalloc byte[4 + 10];
        Encoding.ASCII.GetBytes("SK1", message);
        message[3] = (byte)version;
        random.CopyTo(message[4..]);
        message[^1] &= 0xE0; // the MAC covers the 75 bits kept: the top 3 bits of the 10th byte
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, message, mac);
        UInt128 m = 0;
        for (var i = 0; i < 6; i++) m = (m << 8) | mac[i];
        m >>= 48 - MacBits;
        return ((UInt128)(uint)version << 120) | (r << MacBits) | m;
    }

    private static string Format(UInt128 bits)
    {
        Span<char> symbols = stackalloc char[Symbols];
        for (var i = Symbols - 1; i >= 0; i--)
        {
            symbols[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }
        return Group(symbols);
    }

    private static UInt128 ToBits(string canonical)
    {
        UInt128 bits = 0;
        foreach (var c in canonical)
            if (c != '-') bits = (bits << 5) | (uint)Alphabet.IndexOf(c);
        return bits;
    }

    private static string Group(ReadOnlySpan<char> symbols)
    {
        var sb = new StringBuilder(Symbols + Symbols / GroupLength - 1);
        for (var i = 0; i < Symbols; i++)
        {
            if (i > 0 && i % GroupLength == 0) sb.Append('-');
            sb.Append(symbols[i]);
        }
        return sb.ToString();
    }
}
