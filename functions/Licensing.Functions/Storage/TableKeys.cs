using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;

namespace Licensing.Functions.Storage;

/// <summary>
/// PartitionKey/RowKey values made from outside input (payment-provider event and object ids, idempotency keys).
/// Table storage refuses <c>/ \ # ?</c>, control characters and keys over 1 KiB, so such a value is used as it is
/// only when it is made of <c>A-Z a-z 0-9 _ - .</c> and at most <see cref="MaxPlain"/> characters (every id a
/// provider really sends), and otherwise as <c>~</c> + the base64url SHA-256 of its UTF-8 bytes. <c>~</c> never
/// starts a plain key, so two different inputs never share a key.
/// </summary>
public static class TableKeys
{
    public const int MaxPlain = 200;

    public static string For(string outside)
    {
        ArgumentNullException.ThrowIfNull(outside);
        if (outside.Length is > 0 and <= MaxPlain && outside.All(IsPlain)) return outside;
        return "~" + Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(outside)));
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}
