using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;

namespace Licensing.Functions.Http;

/// <summary>
/// The house way of handing a caller a value it must bring back unchanged: <c>base64url(payload) "." base64url(HMAC-SHA256)</c>,
/// where the MAC covers the payload and a scope (what the token is bound to). The key is derived (HKDF) from the admin key,
/// which every instance holds, with a label per use, so a token of one kind never opens as another; without an admin key (a
/// bare local run) each process uses a random key of its own.
/// </summary>
public sealed class SealedTokens(string? adminKey, string label)
{
    private const int MacBytes = 32;
    private readonly byte[] _key = KeyFor(adminKey, label);

    /// <summary>
    /// The 256-bit key for one use (<paramref name="label"/>) derived from the admin key, which every instance holds; a
    /// random key of this process's own without one. Every secret the app seals (tokens, <see cref="Storage.TextSealer"/>) is keyed so.
    /// </summary>
    public static byte[] KeyFor(string? adminKey, string label) => string.IsNullOrEmpty(adminKey)
        ? RandomNumberGenerator.GetBytes(32)
        : HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(adminKey), 32, info: Encoding.UTF8.GetBytes(label));

    public string Seal(string payload, string scope)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url.Encode(bytes) + "." + Base64Url.Encode(Mac(bytes, scope));
    }

    /// <summary>The payload of a token sealed here for <paramref name="scope"/>; null when it was altered or is foreign.</summary>
    public string? Open(string token, string scope, int maxLength = 4096)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || token.Length > maxLength) return null;
        try
        {
            var payload = Base64Url.Decode(token[..dot]);
            var mac = Base64Url.Decode(token[(dot + 1)..]);
            return mac.Length == MacBytes && CryptographicOperations.FixedTimeEquals(mac, Mac(payload, scope)) ? Encoding.UTF8.GetString(payload) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private byte[] Mac(byte[] payload, string scope)
    {
        var scopeBytes = Encoding.UTF8.GetBytes(scope);
        var input = new byte[4 + scopeBytes.Length + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input, scopeBytes.Length);
        scopeBytes.CopyTo(input, 4);
        payload.CopyTo(input, 4 + scopeBytes.Length);
        return HMACSHA256.HashData(_key, input);
    }
}
