using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Licensing.Domain.Signing;

/// <summary>
/// Keys people can type (API.md, "Keys people can type"): 25 Crockford base32 symbols in five groups of five,
/// <c>XXXXX-XXXXX-XXXXX-XXXXX-XXXXX</c>, read as one 125-bit number:
/// <list type="bullet">
/// <item>5 bits: the version of the MAC secret that made it (1-31), so the secret can be rotated without
/// invalidating keys already issued;</item>
/// <item>75 bits: random (the key's identity);</item>
/// <item>45 bits: HMAC-SHA256(secret of that version, "SK1" ‖ version ‖ random as 16 big-endian bytes), truncated.</item>
/// </list>
/// A forged or mistyped key fails the MAC in memory (a random guess passes with probability 2^-45). Typing is
/// forgiving: case, spaces and dashes do not matter, and <c>O</c> reads as <c>0</c>, <c>I</c> and <c>L</c> as <c>1</c>
/// (Crockford's decoding; <c>U</c> is not a symbol).
/// </summary>
public static class ShortKey
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int Symbols = 25;
    private const int MacBits = 45;
    private const int MaxVersion = 31;
    private static readonly UInt128 RandomMask = (UInt128.One << 75) - 1;

    /// <summary>Whether the text has the shape of a short key (after forgiving reading), MAC not checked.</summary>
    public static bool HasShape(string? text) => TryRead(text, out _);

    /// <summary>A new key made with the secret of <paramref name="version"/>.</summary>
    public static string New(int version, ReadOnlySpan<byte> secret)
    {
        if (version is < 1 or > MaxVersion) throw new ArgumentOutOfRangeException(nameof(version), $"1-{MaxVersion}");
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return Format(Compose(version, BinaryPrimitives.ReadUInt128BigEndian(random) & RandomMask, secret));
    }

    /// <summary>
    /// Checks typed text against the secrets it may have been made with, with no I/O: true, with the canonical key,
    /// when its MAC verifies with the secret of the version it names.
    /// </summary>
    public static bool TryVerify(string? text, Func<int, byte[]?> secretOfVersion, out string canonical)
    {
        canonical = "";
        if (!TryRead(text, out var bits)) return false;
        var version = (int)(bits >> (Symbols * 5 - 5));
        if (version == 0 || secretOfVersion(version) is not { } secret) return false;
        Span<byte> expected = stackalloc byte[16], presented = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(expected, Compose(version, (bits >> MacBits) & RandomMask, secret));
        BinaryPrimitives.WriteUInt128BigEndian(presented, bits);
        if (!CryptographicOperations.FixedTimeEquals(expected, presented)) return false;
        canonical = Format(bits);
        return true;
    }

    private static UInt128 Compose(int version, UInt128 random, ReadOnlySpan<byte> secret)
    {
        Span<byte> message = stackalloc byte[4 + 16];
        "SK1"u8.CopyTo(message);
        message[3] = (byte)version;
        BinaryPrimitives.WriteUInt128BigEndian(message[4..], random);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, message, mac);
        return ((UInt128)(uint)version << (Symbols * 5 - 5)) | (random << MacBits) | (BinaryPrimitives.ReadUInt64BigEndian(mac) >> (64 - MacBits));
    }

    /// <summary>The 125 bits of typed text, or false when it is not 25 symbols of the alphabet (spaces and dashes aside).</summary>
    private static bool TryRead(string? text, out UInt128 bits)
    {
        bits = 0;
        if (text is null || text.Length > 64) return false;
        var n = 0;
        foreach (var raw in text)
        {
            if (raw is ' ' or '-' or '\t') continue;
            var symbol = Alphabet.IndexOf(char.ToUpperInvariant(raw) switch { 'O' => '0', 'I' or 'L' => '1', var c => c });
            if (symbol < 0 || ++n > Symbols) return false;
            bits = (bits << 5) | (uint)symbol;
        }
        return n == Symbols;
    }

    /// <summary>The canonical form: upper case, in five dash-separated groups of five.</summary>
    private static string Format(UInt128 bits) => string.Create(Symbols + 4, bits, static (chars, b) =>
    {
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (i % 6 == 5)
            {
                chars[i] = '-';
                continue;
            }
            chars[i] = Alphabet[(int)(b & 31)];
            b >>= 5;
        }
    });
}
