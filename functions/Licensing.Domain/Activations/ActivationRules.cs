using Licensing.Domain.Common;
using Licensing.Domain.Domains;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Activations;

/// <summary>What is activated: a domain binding (host or *.wildcard) or a machine/seat fingerprint.</summary>
public readonly record struct ActivationTarget(string? Domain, string? Fingerprint)
{
    public string Describe => Domain is not null ? $"domain '{Domain}'" : $"fingerprint '{Fingerprint}'";
}

public static class ActivationRules
{
    /// <summary>Activations one license holds at most, even when the plan says unlimited (the index on the license entity).</summary>
    public const int HardCap = 2000;
    public const int MaxFingerprintLength = 256;
    public const int MaxNameLength = 200;

    /// <summary>A stable activation id derived from what is activated, so re-activating the same thing finds the same slot.</summary>
    public static string IdFor(ActivationTarget target) => ActivationIds.For(target);

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
        return new ActivationTarget(null, NormalizeFingerprint(fingerprint)
            ?? throw ValidationFailedException.For("fingerprint", $"must be 1-{MaxFingerprintLength} printable characters"));
    }

    /// <summary>
    /// The wildcard bindings that would cover <paramref name="target"/> besides itself: for a domain, a wildcard over every parent
    /// (<c>*.b.example.com</c>, <c>*.example.com</c>, ...), as <see cref="HostBindings.Matches"/> decides. So coverage is a lookup of
    /// a few ids in the license's index, in memory, whatever the number of activations.
    /// </summary>
    private static IEnumerable<ActivationTarget> CoveringWildcards(ActivationTarget target)
    {
        if (target.Domain is not { } domain) yield break;
        var host = HostBindings.IsWildcard(domain) ? domain[2..] : domain;
        for (var dot = host.IndexOf('.'); dot >= 0; dot = host.IndexOf('.', dot + 1))
        {
            var wildcard = "*." + host[(dot + 1)..];
            if (wildcard != domain && HostBindings.Matches(wildcard, domain)) yield return new ActivationTarget(wildcard, null);
        }
    }

    /// <summary>
    /// The activation that covers <paramref name="target"/> (exact binding, a wildcard over the domain, or the fingerprint), and what it binds.
    /// </summary>
    public static (ActivationRef Activation, ActivationTarget Binding)? Covering(License license, ActivationTarget target)
    {
        if (license.Activations.Count == 0) return null;
        // The exact binding first (a repeat validation's usual answer, with nothing allocated), then the wildcards over its parents;
        // each candidate one pass over the index: no per-call dictionary.
        if (Find(license.Activations, IdFor(target)) is { } exact) return (exact, target);
        foreach (var candidate in CoveringWildcards(target))
            if (Find(license.Activations, IdFor(candidate)) is { } activation) return (activation, candidate);
        return null;
    }

    private static ActivationRef? Find(IReadOnlyList<ActivationRef> index, string id)
    {
        for (var i = 0; i < index.Count; i++)
            if (index[i].Id == id) return index[i];
        return null;
    }

    /// <summary>The activation recorded for exactly this target (what deactivate removes).</summary>
    public static ActivationRef? Exact(License license, ActivationTarget target) => Find(license.Activations, IdFor(target));

    /// <summary>A development or staging host of the product's allowance (never a wildcard): free of a slot, capped per 30 days.</summary>
    public static bool IsFree(ActivationTarget target, DevelopmentHostPolicy policy) => IsDevelopmentHost(target.Domain, policy);

    public static bool IsDevelopmentHost(string? domain, DevelopmentHostPolicy policy) =>
        domain is not null && !HostBindings.IsWildcard(domain) && policy.Allowed && HostBindings.IsDevelopmentHost(domain, policy.Patterns);

    /// <summary>Whether <paramref name="domain"/> is served as a free development host (not under an activation of the license): certificates say so.</summary>
    public static bool ServedAsDevelopmentHost(License license, string? domain, DevelopmentHostPolicy policy) =>
        IsDevelopmentHost(domain, policy) && Covering(license, new ActivationTarget(domain, null)) is null;

    public static readonly TimeSpan DevelopmentHostWindow = TimeSpan.FromDays(30);

    /// <summary>The development hosts that count toward the cap now (recorded within the last 30 days).</summary>
    public static IReadOnlyList<DevelopmentHostUse> RecentDevelopmentHosts(License license, DateTimeOffset now) =>
        license.DevelopmentHosts.Where(d => d.Since > now - DevelopmentHostWindow).ToArray();

    /// <summary>The recorded use that covers development host <paramref name="host"/> now, if any.</summary>
    public static DevelopmentHostUse? SeenDevelopmentHost(License license, string host, DateTimeOffset now) =>
        RecentDevelopmentHosts(license, now).FirstOrDefault(d => d.Host == host);

    /// <summary>
    /// Development hosts are free but capped: a bound license (one with a slot limit) may be used on at most
    /// <see cref="DevelopmentHostPolicy.MaxHosts"/> distinct development hosts recorded in any 30 days. Null when one
    /// more fits (besides <paramref name="pending"/> about to be recorded); else why not.
    /// </summary>
    public static string? DevelopmentHostRefusal(License license, string host, DevelopmentHostPolicy policy, DateTimeOffset now, int pending = 0)
    {
        var recent = RecentDevelopmentHosts(license, now);
        if (recent.Count + pending < policy.MaxHosts) return null;
        return recent.Count == 0
            ? $"development host '{host}' is not allowed: the plan allows {policy.MaxHosts} development hosts per 30 days"
            : $"development host '{host}' is over the plan's {policy.MaxHosts} development hosts per 30 days;"
                + $" another fits after {(recent.Min(d => d.Since) + DevelopmentHostWindow).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
    }

    public static readonly TimeSpan DeactivationWindow = TimeSpan.FromDays(30);
}
