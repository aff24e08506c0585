using System.Security.Cryptography;
using System.Text;

namespace Licensing.Domain.Accounts;

/// <summary>
/// Account API keys: <c>lsk_live_</c> + 32 random bytes in base64url (256 bits), shown once, so a leaked key is
/// recognisable by secret scanners. Keys issued before carry only <c>lsk_</c> and keep working. Stored as the hex
/// SHA-256 of the whole key (<see cref="BearerTokens"/>).
/// </summary>
public static class ApiKeys
{
    /// <summary>What every account API key starts with, old and new.</summary>
    public const string Prefix = "lsk_";

    /// <summary>What keys issued now start with.</summary>
    public const string LivePrefix = "lsk_live_";

    public const string IdPrefix = "key_";

    /// <summary>Random characters of the key shown in the key list beside its type prefix: enough to tell keys apart.</summary>
    public const int ShownCharacters = 4;

    public static string NewKey() => BearerTokens.New(LivePrefix);

    public static string NewId() => BearerTokens.NewId(IdPrefix);

    public static bool IsId(string? value) => BearerTokens.IsId(value, IdPrefix);

    /// <summary>The id of a key issued before keys had records: derived from its hash (what the audit log showed for it).</summary>
    public static string IdFor(string keyHash) => IdPrefix + keyHash[..16];

    public static string Hash(string key) => BearerTokens.Hash(key);

    /// <summary>The start of a key the list shows (<c>lsk_live_AbCd</c>): never enough to use it.</summary>
    public static string PrefixOf(string key) =>
        key[..Math.Min(key.Length, (key.StartsWith(LivePrefix, StringComparison.Ordinal) ? LivePrefix.Length : Prefix.Length) + ShownCharacters)];

    /// <summary>Constant-time comparison of two secrets of any length (by their hashes).</summary>
    public static bool SecretEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    public static bool LooksLikeKey(string? value) => BearerTokens.Looks(value, Prefix);
}
