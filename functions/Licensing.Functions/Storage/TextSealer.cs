using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Storage;

/// <summary>
/// Encrypts text that must be stored but holds a short-lived secret (a sign-in link waiting in the e-mail outbox):
/// AES-256-GCM, <c>v1.</c> + base64url(nonce ‖ tag ‖ ciphertext). The key is derived from the admin key as the sealed
/// tokens' keys are (<see cref="Http.SealedTokens.KeyFor"/>), with a label of its own; rotating the admin key makes the few messages still waiting
/// unreadable (they are not delivered; their links would expire within 15 minutes anyway).
/// </summary>
public sealed class TextSealer(IOptions<LicensingOptions> options)
{
    private const string Version = "v1.";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key = Http.SealedTokens.KeyFor(options.Value.AdminKey, "licensing sealed storage text v1");

    public string Seal(string text)
    {
        var plain = Encoding.UTF8.GetBytes(text);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        return Version + Base64Url.Encode(sealedBytes);
    }

    /// <summary>The text; <see cref="CryptographicException"/> when it was sealed with another key or altered.</summary>
    public string Open(string sealedText)
    {
        if (!sealedText.StartsWith(Version, StringComparison.Ordinal)) throw new CryptographicException("not sealed text");
        var bytes = Base64Url.Decode(sealedText[Version.Length..]);
        if (bytes.Length < NonceBytes + TagBytes) throw new CryptographicException("sealed text too short");
        var plain = new byte[bytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes + TagBytes), bytes.AsSpan(NonceBytes, TagBytes), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
