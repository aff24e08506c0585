using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;

namespace Licensing.Domain.Activations;

/// <summary>
/// The stable activation id of a domain binding or a fingerprint (<c>act_</c> and 20 hex digits of its SHA-256), remembered per
/// process: a validation looks its site up by id in the license's activation index, and the same sites come back again and again,
/// so the hash is computed once per site rather than once per validation. The id is a pure function of the string, so a
/// remembered one is always the one computed; at most <see cref="Capacity"/> of each kind are kept (all are let go when full).
/// </summary>
public static class ActivationIds
{
    public const int Capacity = 16_384;

    // Normal domains and fingerprints are at most DomainName.MaxLength and MaxFingerprintLength characters; a longer string is hashed, not kept.
    private static readonly BoundedMemo<string> Domains = new(Capacity, DomainName.MaxLength, static domain => Compute(domain));
    private static readonly BoundedMemo<string> Fingerprints =
        new(Capacity, ActivationRules.MaxFingerprintLength, static fingerprint => Compute("fp:" + fingerprint));

    public static string For(ActivationTarget target) => target.Domain is { } domain ? Domains.Get(domain) : Fingerprints.Get(target.Fingerprint ?? "");

    /// <summary>The id computed afresh (what the memo holds).</summary>
    public static string Compute(string hashed)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(hashed), hash);
        return "act_" + Convert.ToHexStringLower(hash[..10]);
    }
}
