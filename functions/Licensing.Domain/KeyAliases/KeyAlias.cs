using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Signing;

namespace Licensing.Domain.KeyAliases;

/// <summary>
/// A key of a license besides its signed key: a marketplace's own key (AppSumo's UUID) or a key a founder already
/// sold. It is kept only as its hash, and found by one point read of that hash (docs/license-keys.md, "Alias keys").
/// </summary>
public static class KeyAlias
{
    public const int MaxLength = 128;

    /// <summary>How many alias keys one license may hold.</summary>
    public const int MaxPerLicense = 20;

    /// <summary>
    /// Whether <paramref name="key"/> is in the native keys' namespace (it starts with <c>LK1.</c>): such a text is
    /// checked by its signature in memory and never looked up, so a forged native key costs no storage read.
    /// </summary>
    public static bool IsNative(string key) => key.StartsWith(LicenseKey.Prefix, StringComparison.Ordinal);

    /// <summary>1-128 printable ASCII characters (space to <c>~</c>) outside the native namespace.</summary>
    public static bool IsWellFormed(string? key) =>
        key is { Length: >= 1 and <= MaxLength } && !IsNative(key) && key.All(c => c is >= ' ' and <= '~');

    /// <summary>What is stored: lower-case hex SHA-256 of the key exactly as given (ASCII bytes).</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(key)));
}

/// <summary>The license an alias key belongs to, as its row holds it; <see cref="Version"/> is the row's ETag.</summary>
public sealed record KeyAliasOwner(string AccountId, string LicenseId)
{
    public string? Version { get; init; }

    public bool Is(KeyAliasOwner other) => AccountId == other.AccountId && LicenseId == other.LicenseId;
}

/// <summary>The key is held by another license (in this account or another): 409 <c>KEY_UNAVAILABLE</c>.</summary>
public sealed class KeyUnavailableException(string detail) : Common.LicensingException(detail);
