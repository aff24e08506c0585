using Licensing.Domain.Activations;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Domain.Validation;

/// <summary>
/// One small function per rule, composed in the contract's order. Each returns a failing verdict or null to let
/// the next rule decide. Pure: no I/O, the clock and the plan's policies are arguments.
/// </summary>
public static class ValidationRules
{
    private static readonly Func<License, DateTimeOffset, Verdict?>[] StatusRules = [Revoked, Suspended, Expired];

    public static Verdict NotFound { get; } = new(ValidationCode.NotFound, "license key not recognised", null, null);

    public static Evaluation Evaluate(License license, ValidationRequest request, DateTimeOffset now, PlanPolicy policy, DevelopmentHostPolicy development,
        UsageState? usage = null, DateTimeOffset? releaseDate = null)
    {
        var toActivate = new List<ActivationTarget>();
        var failed = Status(license, now)
            ?? ProductMismatch(license, request)
            ?? Binding(license, request.Domain is null ? null : new ActivationTarget(request.Domain, null), now, policy, development, toActivate,
                ValidationCode.DomainMismatch)
            ?? Binding(license, request.Fingerprint is null ? null : new ActivationTarget(null, request.Fingerprint), now, policy, development, toActivate,
                ValidationCode.FingerprintMismatch)
            ?? FeatureNotEntitled(license, request)
            ?? UpdateNotCovered(license, releaseDate ?? request.ReleaseDate)
            ?? UsageLimitExceeded(license, usage);
        if (failed is not null) return new Evaluation(failed, []);
        return new Evaluation(new Verdict(ValidationCode.Valid, "license is valid", license, RevalidateAfter(license, now, policy)), toActivate);
    }

    /// <summary>When a client should ask again on the plan's schedule.</summary>
    public static DateTimeOffset RevalidateAfter(License license, DateTimeOffset now, PlanPolicy policy) =>
        RevalidateAfter(license, now, TimeSpan.FromHours(policy.RevalidateAfterHours));

    /// <summary>When a client should ask again: <paramref name="after"/> from now, but never past the license's expiry.</summary>
    public static DateTimeOffset RevalidateAfter(License license, DateTimeOffset now, TimeSpan after)
    {
        var revalidate = now + after;
        return license.ExpiresAt is { } e && e < revalidate ? e : revalidate;
    }

    /// <summary>REVOKED, SUSPENDED, EXPIRED: the rules that also gate activation.</summary>
    public static Verdict? Status(License license, DateTimeOffset now)
    {
        foreach (var rule in StatusRules)
            if (rule(license, now) is { } failed) return failed;
        return null;
    }

    public static Verdict Fail(ValidationCode code, string detail, License license) => new(code, detail, license, null);

    private static Verdict? Revoked(License l, DateTimeOffset now) =>
        l.Status == LicenseStatus.Revoked ? Fail(ValidationCode.Revoked, "license has been revoked", l) : null;

    private static Verdict? Suspended(License l, DateTimeOffset now) =>
        l.Status == LicenseStatus.Suspended
            ? Fail(ValidationCode.Suspended,
                l.StatusReason == "sharing" ? "license is suspended: it was used on more sites than it allows" : "license is suspended", l)
            : null;

    private static Verdict? Expired(License l, DateTimeOffset now) =>
        l.EffectiveStatus(now) == LicenseStatus.Expired
            ? Fail(ValidationCode.Expired, l.ExpiresAt is { } e ? $"license expired at {e.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : "license has expired", l)
            : null;

    private static Verdict? ProductMismatch(License l, ValidationRequest r) =>
        r.ProductId is not null && r.ProductId != l.ProductId
            ? Fail(ValidationCode.ProductMismatch, $"license is for product '{l.ProductId}', not '{r.ProductId}'", l)
            : null;

    /// <summary>
    /// A domain or fingerprint passes when it is already activated (exactly or under a wildcard, looked up in the
    /// license's index), or can take a free slot now on a plan that auto-activates (then it is queued for activation).
    /// A development host not activated as such takes no slot: it passes when recorded in the last 30 days, or is
    /// queued to be recorded while the plan's development-host allowance lasts; past it, DOMAIN_MISMATCH says why.
    /// </summary>
    private static Verdict? Binding(License l, ActivationTarget? target, DateTimeOffset now, PlanPolicy policy, DevelopmentHostPolicy development,
        List<ActivationTarget> toActivate, ValidationCode mismatch)
    {
        if (target is not { } t) return null;
        if (l.MaxActivations is null) return null; // unlimited: not bound, nothing to write (the sharing signal still sees it)
        if (ActivationRules.Covering(l, t) is not null) return null;
        if (ActivationRules.IsFree(t, development)) return DevelopmentHost(l, t, now, development, toActivate, mismatch);
        var slotsLeft = Math.Min(l.MaxActivations ?? ActivationRules.HardCap, ActivationRules.HardCap) - l.Activations.Count
            - toActivate.Count(a => !ActivationRules.IsFree(a, development));
        if (policy.AutoActivate && slotsLeft > 0)
        {
            toActivate.Add(t);
            return null;
        }
        return Fail(mismatch, policy.AutoActivate
            ? $"{t.Describe} is not activated and all {l.MaxActivations} activation slots are in use"
            : $"{t.Describe} is not activated for this license", l);
    }

    private static Verdict? DevelopmentHost(License l, ActivationTarget t, DateTimeOffset now, DevelopmentHostPolicy development,
        List<ActivationTarget> toActivate, ValidationCode mismatch)
    {
        if (ActivationRules.SeenDevelopmentHost(l, t.Domain!, now) is not null) return null;
        var pending = toActivate.Count(a => ActivationRules.IsFree(a, development));
        if (ActivationRules.DevelopmentHostRefusal(l, t.Domain!, development, now, pending) is { } refusal)
            return Fail(mismatch, refusal, l);
        toActivate.Add(t);
        return null;
    }

    private static Verdict? FeatureNotEntitled(License l, ValidationRequest r)
    {
        foreach (var feature in r.Features)
            if (!l.Features.Contains(feature, StringComparer.Ordinal))
                return Fail(ValidationCode.FeatureNotEntitled, l.Model == LicenseModel.Lifetime
                    ? $"'{feature}' is not part of this lifetime deal, whose features are fixed; upgrading to a plan that includes it unlocks it"
                    : $"license does not include feature '{feature}'", l);
        return null;
    }

    /// <summary>Perpetual with updates: a build released after the update entitlement ended is not covered.</summary>
    private static Verdict? UpdateNotCovered(License l, DateTimeOffset? releaseDate) =>
        releaseDate is { } released && l.UpdatesUntil is { } until && released > until
            ? Fail(ValidationCode.UpdateNotCovered,
                $"updates were included until {until.UtcDateTime:yyyy-MM-dd}; this release is from {released.UtcDateTime:yyyy-MM-dd}. "
                + "Renewing the update plan covers it; earlier releases keep working", l)
            : null;

    /// <summary>Metered plans: the period's allowance is used up (used ≥ limit).</summary>
    private static Verdict? UsageLimitExceeded(License l, UsageState? usage) =>
        usage is { } u && u.Used >= u.Limit
            ? Fail(ValidationCode.UsageLimitExceeded, $"{u.Used} of {u.Limit} units used this period", l)
            : null;
}
