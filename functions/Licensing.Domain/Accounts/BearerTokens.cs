using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

/// <summary>
/// The account's bearer secrets: API keys (<see cref="ApiKeys"/>), session tokens (<see cref="SessionTokens"/>) and the
/// one-time tokens of sign-in links (<see cref="SignInTokens"/>). Each is a recognisable prefix + 32 random bytes in
/// base64url (256 bits), shown once and stored only as its hex SHA-256, which is also its lookup key: a point read by
/// hash, so lookup time does not depend on how much of a guess matches, and the stored value cannot be used as a secret.
/// </summary>
public static class BearerTokens
{
    public const int MaxLength = 100;

    public static string New(string prefix) => prefix + Base64Url.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether <paramref name="value"/> has the shape of a token of this prefix (no storage call is made for anything else).</summary>
    public static bool Looks(string? value, string prefix) =>
        value is not null && value.Length > prefix.Length && value.Length <= MaxLength && value.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>A random public id: <paramref name="prefix"/> + 16 lower-case hex digits.</summary>
    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static bool IsId(string? value, string prefix) =>
        value is not null && value.Length == prefix.Length + 16 && value.StartsWith(prefix, StringComparison.Ordinal)
        && value.AsSpan(prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;
}

/// <summary>Dashboard sessions: <c>lss_</c> tokens, valid <see cref="Lifetime"/>, with every scope.</summary>
public static class SessionTokens
{
    public const string Prefix = "lss_";
    public const string IdPrefix = "ses_";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
}

/// <summary>The one-time tokens e-mailed in sign-up and sign-in links: <c>lsi_</c>, valid <see cref="Lifetime"/>, single use.</summary>
public static class SignInTokens
{
    public const string Prefix = "lsi_";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
}
