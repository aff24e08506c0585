using System.Security.Cryptography;
using System.Text;
using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Products;

namespace Licensing.Domain.Licenses;

/// <summary>What is activated: a domain binding (host or *.wildcard) or a machine/seat fingerprint.</summary>
public readonly record struct ActivationTarget(string? Domain, string? Fingerprint)
{
    public string Describe => Domain is not null ? $"domain '{Domain}'" : $"fingerprint '{Fingerprint}'";
}

public static class ActivationRules
{
    /// <summary>Activations kept on one license entity at most, even when the plan says unlimited (entity size).</summary>
    public const int HardCap = 2000;
    public const int MaxFingerprintLength = 256;
    public const int MaxNameLength = 200;

    /// <summary>A stable activation id derived from what is activated, so re-activating the same thing finds the same slot.</summary>
    public static string IdFor(ActivationTarget target) =>
        "act_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target.Domain ?? "fp:" + target.Fingerprint)).AsSpan(0, 10));

    public static string IdFor(string domain) => IdFor(new ActivationTarget(domain, null));

    /// <summary>Fingerprints are opaque: trimmed, 1-256 printable characters, compared exactly.</summary>
    public static string? NormalizeFingerprint(string? value)
    {
        var s = value?.Trim();
        return string.IsNullOrEmpty(s) || s.Length > MaxFingerprintLength || s.Any(char.IsControl) ? null : s;
    }

    /// <summary>
    /// Parses the domain-or-fingerprint pair of activate/deactivate. Exactly one is required; a domain may be a
    /// <c>*.wildcard</c> binding.
    /// </summary>
    public static ActivationTarget ParseTarget(string? domain, string? fingerprint)
    {
        if ((domain is null) == (fingerprint is null))
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["domain"] = ["give exactly one of domain or fingerprint"] });
        if (domain is not null)
            return new ActivationTarget(HostBindings.NormalizeBinding(domain, out var error) ?? throw ValidationFailedException.For("domain", error), null);
        return new ActivationTarget(null, NormalizeFingerprint(fingerprint) ?? throw ValidationFailedException.For("fingerprint", $"must be 1-{MaxFingerprintLength} printable characters"));
    }

    /// <summary>The activation that covers <paramref name="target"/>: exact binding, a wildcard over the domain, or the fingerprint.</summary>
    public static Activation? Covering(License license, ActivationTarget target)
    {
        foreach (var a in license.Activations)
        {
            if (target.Domain is not null && a.Domain is not null && HostBindings.Matches(a.Domain, target.Domain)) return a;
            if (target.Fingerprint is not null && a.Fingerprint == target.Fingerprint) return a;
        }
        return null;
    }

    /// <summary>The activation recorded for exactly this target (what deactivate removes).</summary>
    public static Activation? Exact(License license, ActivationTarget target) =>
        license.Activations.FirstOrDefault(a => target.Domain is not null ? a.Domain == target.Domain : a.Fingerprint == target.Fingerprint);

    /// <summary>Development and staging hosts never take a slot (unless the product turns the allowance off).</summary>
    public static bool IsFree(ActivationTarget target, DevelopmentHostPolicy policy) =>
        target.Domain is not null && !HostBindings.IsWildcard(target.Domain) && policy.Allowed && HostBindings.IsDevelopmentHost(target.Domain, policy.Patterns);

    public static int DeactivationsInWindow(License license, DateTimeOffset now) =>
        license.Deactivations.Count(d => d > now - DeactivationWindow);

    public static readonly TimeSpan DeactivationWindow = TimeSpan.FromDays(30);
}
