using Licensing.Domain.Licenses;
using Licensing.Domain.Signing;

namespace Licensing.Domain.ShortKeys;

/// <summary>
/// Short keys against the secrets this service holds: the in-memory MAC check the public path makes before any storage
/// read, and the key a license shows (derived from its id with the secret of its version, so only its hash is stored).
/// </summary>
public sealed class ShortKeyRing(IShortKeySecrets secrets)
{
    /// <summary>
    /// Whether <paramref name="text"/> is a genuine short key, typed forgivingly; <paramref name="canonical"/> is then the
    /// form whose hash is stored. No I/O: a forged key costs one HMAC.
    /// </summary>
    public bool TryVerify(string text, out string canonical) => ShortKey.TryVerify(text, secrets.Get, out canonical);

    /// <summary>A new short key for the license, made with the current version.</summary>
    public (string Key, int Version) Issue(string accountId, string licenseId)
    {
        var version = secrets.CurrentVersion;
        var secret = secrets.Get(version) ?? throw new InvalidOperationException($"the short-key secret of version {version} is missing");
        return (ShortKey.Derive(version, secret, accountId, licenseId), version);
    }

    /// <summary>
    /// The license with its short key filled in (<see cref="License.ShortKey"/>), when it has one whose secret is still kept;
    /// otherwise the license as it is.
    /// </summary>
    public License Reveal(License license) =>
        license.ShortKeyVersion is { } version && license.ShortKey is null && secrets.Get(version) is { } secret
            ? license with { ShortKey = ShortKey.Derive(version, secret, license.AccountId, license.Id) }
            : license;
}
