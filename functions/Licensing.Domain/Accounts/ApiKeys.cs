using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

/// <summary>
/// Account API keys: <c>lsk_</c> + 32 random bytes in base64url (256 bits), shown once. Stored as the hex SHA-256 of
/// the whole key, which is also the lookup key: a point read by hash, so lookup time does not depend on how much
/// of a guess matches a real key, and the stored value cannot be used as a key.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "lsk_";

    public static string NewKey() => Prefix + Base64Url.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The public id of a key (what the audit log and the key list show), derived from its hash.</summary>
    public static string IdFor(string keyHash) => "key_" + keyHash[..16];

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Constant-time comparison of two secrets of any length (by their hashes).</summary>
    public static bool SecretEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    public static bool LooksLikeKey(string? value) => value is { Length: > 4 and <= 100 } && value.StartsWith(Prefix, StringComparison.Ordinal);
}
