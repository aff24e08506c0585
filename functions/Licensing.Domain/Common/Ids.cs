using System.Security.Cryptography;

namespace Licensing.Domain.Common;

/// <summary>
/// Identifiers are random bytes shown as lower-case hex behind a type prefix. Their byte form is what a
/// license key carries (docs/license-keys.md), so the text form and the key form are one mapping.
/// </summary>
public static class Ids
{
    public const string AccountPrefix = "acct_";
    public const string LicensePrefix = "lic_";
    public const int AccountIdBytes = 8;
    public const int LicenseIdBytes = 12;

    public static string NewAccountId() => AccountPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(AccountIdBytes));
    public static string NewLicenseId() => LicensePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(LicenseIdBytes));

    public static bool IsAccountId(string? value) => IsId(value, AccountPrefix, AccountIdBytes);
    public static bool IsLicenseId(string? value) => IsId(value, LicensePrefix, LicenseIdBytes);

    public static string FromBytes(string prefix, ReadOnlySpan<byte> bytes) => prefix + Convert.ToHexStringLower(bytes);

    /// <summary>Writes the id's bytes into <paramref name="destination"/>; the id must be well-formed.</summary>
    public static void ToBytes(string id, string prefix, Span<byte> destination)
    {
        if (!IsId(id, prefix, destination.Length)) throw new ArgumentException($"not a well-formed id: {id}", nameof(id));
        Convert.FromHexString(id.AsSpan(prefix.Length), destination, out _, out _);
    }

    private static bool IsId(string? value, string prefix, int bytes)
    {
        if (value is null || value.Length != prefix.Length + 2 * bytes || !value.StartsWith(prefix, StringComparison.Ordinal)) return false;
        foreach (var c in value.AsSpan(prefix.Length))
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }
}
