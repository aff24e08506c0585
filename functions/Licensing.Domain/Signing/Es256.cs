using System.Numerics;
using System.Security.Cryptography;

namespace Licensing.Domain.Signing;

/// <summary>ES256 helpers shared by signers and verifiers: low-S normalisation so each signature has one form.</summary>
public static class Es256
{
    public const int SignatureSize = 64;

    private static readonly BigInteger N = BigInteger.Parse(
        "0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger HalfN = N >> 1;

    /// <summary>True when S ≤ n/2 (the canonical half), as verifiers here require.</summary>
    public static bool IsLowS(ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureSize && new BigInteger(signature[32..], isUnsigned: true, isBigEndian: true) <= HalfN;

    /// <summary>Returns the equivalent signature (R, n−S) when S is in the upper half; otherwise the input.</summary>
    public static byte[] NormalizeLowS(byte[] signature)
    {
        if (signature.Length != SignatureSize) throw new CryptographicException("an ES256 signature is 64 bytes (R||S)");
        return IsLowS(signature) ? signature : Twin(signature);
    }

    /// <summary>The other valid form of an ECDSA signature: (R, n−S). ECDSA signatures are malleable this way.</summary>
    public static byte[] Twin(ReadOnlySpan<byte> signature)
    {
        var s = new BigInteger(signature[32..], isUnsigned: true, isBigEndian: true);
        var flipped = (N - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = new byte[SignatureSize];
        signature[..32].CopyTo(result);
        flipped.CopyTo(result.AsSpan(SignatureSize - flipped.Length));
        return result;
    }
}
