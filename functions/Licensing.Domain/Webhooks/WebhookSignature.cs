using System.Security.Cryptography;
using System.Text;

namespace Licensing.Domain.Webhooks;

/// <summary>
/// Standard Webhooks signing: the secret is <c>whsec_</c> + base64 of random bytes; a message is signed as
/// <c>v1,</c> + base64(HMAC-SHA256(secret bytes, <c>{webhook-id}.{webhook-timestamp}.{body}</c>)).
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";
    public const int SecretBytes = 32;

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The <c>webhook-signature</c> header value for one attempt.</summary>
    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) throw new ArgumentException("not a whsec_ secret", nameof(secret));
        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }
}
