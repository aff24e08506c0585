using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;

namespace Licensing.Domain.Signing;

/// <summary>What a verified license key names: the account and the license. Everything else is in storage.</summary>
public readonly record struct LicenseKeyId(string AccountId, string LicenseId);

/// <summary>
/// The license key format, version 1 (docs/license-keys.md is the normative description):
/// <c>LK1.</c> + base64url(payload, 27 bytes) + <c>.</c> + base64url(ES256 signature, 64 bytes) = 127 characters.
/// payload = 0x01 (version) ‖ kid hint (first 6 bytes of SHA-256 of the signing key's kid, UTF-8)
///           ‖ account id (8 bytes) ‖ license id (12 bytes).
/// The signature is ES256 (P-256, SHA-256, R‖S with S in the lower half) over the ASCII of everything before the
/// last dot, so a key can be checked offline against <c>GET /v1/keys</c>.
/// </summary>
public static class LicenseKey
{
    public const string Prefix = "LK1.";
    public const byte Version = 1;
    public const int KidHintBytes = 6;
    public const int PayloadBytes = 1 + KidHintBytes + Ids.AccountIdBytes + Ids.LicenseIdBytes;
    public static readonly int PayloadChars = System.Buffers.Text.Base64Url.GetEncodedLength(PayloadBytes);
    public static readonly int SignatureChars = System.Buffers.Text.Base64Url.GetEncodedLength(Es256.SignatureSize);
    public static readonly int Length = Prefix.Length + PayloadChars + 1 + SignatureChars;

    public static byte[] KidHint(string kid) => SHA256.HashData(Encoding.UTF8.GetBytes(kid))[..KidHintBytes];

    /// <summary>Builds and signs a key with the signer's current root key version.</summary>
    public static async Task<string> IssueAsync(IRootSigner signer, LicenseKeyId id, CancellationToken ct)
    {
        var kid = await signer.GetCurrentKidAsync(ct).ConfigureAwait(false);
        var payload = new byte[PayloadBytes];
        payload[0] = Version;
        KidHint(kid).CopyTo(payload, 1);
        Ids.ToBytes(id.AccountId, Ids.AccountPrefix, payload.AsSpan(1 + KidHintBytes, Ids.AccountIdBytes));
        Ids.ToBytes(id.LicenseId, Ids.LicensePrefix, payload.AsSpan(1 + KidHintBytes + Ids.AccountIdBytes, Ids.LicenseIdBytes));
        var signingInput = Prefix + Common.Base64Url.Encode(payload);
        var signature = await signer.SignDigestAsync(kid, SHA256.HashData(Encoding.ASCII.GetBytes(signingInput)), ct).ConfigureAwait(false);
        if (signature.Kid != kid) throw new CryptographicException($"signer used key {signature.Kid}, expected {kid}");
        return signingInput + "." + Common.Base64Url.Encode(Es256.NormalizeLowS(signature.Value));
    }

    /// <summary>
    /// Checks the key's structure and signature against <paramref name="keys"/> with no I/O. Anything that is not a
    /// key signed by one of those keys, byte for byte in canonical form, is refused.
    /// </summary>
    public static bool TryVerify(string? key, KeyRing keys, out LicenseKeyId id)
    {
        id = default;
        if (key is null || key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + PayloadChars] != '.')
            return false;

        Span<byte> payload = stackalloc byte[PayloadBytes];
        Span<byte> signature = stackalloc byte[Es256.SignatureSize];
        if (!Common.Base64Url.TryDecodeExact(key.AsSpan(Prefix.Length, PayloadChars), payload)) return false;
        if (!Common.Base64Url.TryDecodeExact(key.AsSpan(Prefix.Length + PayloadChars + 1), signature)) return false;
        if (payload[0] != Version || !Es256.IsLowS(signature)) return false;

        Span<byte> signingInput = stackalloc byte[Prefix.Length + PayloadChars];
        Encoding.ASCII.GetBytes(key.AsSpan(0, signingInput.Length), signingInput);
        if (!keys.Verify(payload.Slice(1, KidHintBytes), signingInput, signature)) return false;

        id = new LicenseKeyId(
            Ids.FromBytes(Ids.AccountPrefix, payload.Slice(1 + KidHintBytes, Ids.AccountIdBytes)),
            Ids.FromBytes(Ids.LicensePrefix, payload.Slice(1 + KidHintBytes + Ids.AccountIdBytes, Ids.LicenseIdBytes)));
        return true;
    }
}
