namespace Licensing.Domain.Common;

/// <summary>Unpadded base64url (RFC 4648 §5) that accepts only the canonical encoding of each byte string.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>
    /// Decodes <paramref name="text"/> into exactly <paramref name="destination"/>.Length bytes. Refuses padding,
    /// foreign characters and non-canonical forms (unused trailing bits set), so one byte string has one text.
    /// </summary>
    public static bool TryDecodeExact(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (text.Length != System.Buffers.Text.Base64Url.GetEncodedLength(destination.Length)) return false;
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')) return false;
        if (System.Buffers.Text.Base64Url.DecodeFromChars(text, destination, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != text.Length || written != destination.Length) return false;
        Span<char> again = stackalloc char[text.Length];
        return System.Buffers.Text.Base64Url.TryEncodeToChars(destination, again, out var n) && n == text.Length && again.SequenceEqual(text);
    }

    public static byte[] Decode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
