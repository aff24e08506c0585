using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Http;

/// <summary>
/// Continuation tokens handed to callers are sealed: storage's own token, followed by an HMAC-SHA256 over it and the
/// listing it continues (the account and every filter). A token that was altered, or that is brought to another
/// account or another filter, is refused with 400 rather than passed to storage. The key is derived (HKDF) from the
/// admin key, which every instance holds; rotating the admin key ends the listings in progress, nothing else. Without an
/// admin key (a bare local run) each process uses a random key of its own.
/// </summary>
public sealed class ContinuationTokens(IOptions<LicensingOptions> options)
{
    private const int MacBytes = 32;
    private readonly byte[] _key = string.IsNullOrEmpty(options.Value.AdminKey)
        ? RandomNumberGenerator.GetBytes(32)
        : HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(options.Value.AdminKey), 32, info: "licensing continuation tokens v1"u8.ToArray());

    /// <summary>What a token is bound to: the listing's name, the account and each filter, in a fixed order.</summary>
    public static string Scope(string listing, string accountId, params string?[] filters) =>
        string.Join('\n', new[] { listing, accountId }.Concat(filters.Select(f => f is null ? "-" : "=" + f)));

    public string? Seal(string? storageToken, string scope)
    {
        if (storageToken is null) return null;
        var payload = Encoding.UTF8.GetBytes(storageToken);
        return Base64Url.Encode(payload) + "." + Base64Url.Encode(Mac(payload, scope));
    }

    /// <summary>Storage's token inside <paramref name="token"/>; 400 VALIDATION_FAILED when it is not one this listing issued.</summary>
    public string? Open(string? token, string scope)
    {
        if (token is null) return null;
        var dot = token.IndexOf('.');
        try
        {
            if (dot > 0 && token.Length <= 4096)
            {
                var payload = Base64Url.Decode(token[..dot]);
                var mac = Base64Url.Decode(token[(dot + 1)..]);
                if (mac.Length == MacBytes && CryptographicOperations.FixedTimeEquals(mac, Mac(payload, scope))) return Encoding.UTF8.GetString(payload);
            }
        }
        catch (FormatException)
        {
        }
        throw ValidationFailedException.For("continuationToken", "is not a token this listing returned (it was changed, or belongs to other filters)");
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
