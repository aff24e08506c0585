using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Licensing.Domain.Keys;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Quotas;
using Licensing.Domain.Usage;

namespace Licensing.Domain.Validation;

/// <summary>The closed set of verdicts of API.md, in the order they are checked (first failure wins).</summary>
public enum ValidationCode
{
    NotFound,
    Revoked,
    Suspended,
    Expired,
    ProductMismatch,
    DomainMismatch,
    FingerprintMismatch,
    FeatureNotEntitled,
    UpdateNotCovered,
    UsageLimitExceeded,
    Valid,
}

public static class ValidationCodes
{
    public static string ToWire(this ValidationCode code) => code switch
    {
        ValidationCode.NotFound => "NOT_FOUND",
        ValidationCode.Revoked => "REVOKED",
        ValidationCode.Suspended => "SUSPENDED",
        ValidationCode.Expired => "EXPIRED",
        ValidationCode.ProductMismatch => "PRODUCT_MISMATCH",
        ValidationCode.DomainMismatch => "DOMAIN_MISMATCH",
        ValidationCode.FingerprintMismatch => "FINGERPRINT_MISMATCH",
        ValidationCode.FeatureNotEntitled => "FEATURE_NOT_ENTITLED",
        ValidationCode.UpdateNotCovered => "UPDATE_NOT_COVERED",
        ValidationCode.UsageLimitExceeded => "USAGE_LIMIT_EXCEEDED",
        ValidationCode.Valid => "VALID",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };
}

/// <summary>A validation request after parsing: the domain is already normalised (or null).</summary>
public sealed record ValidationRequest(string Key, string? Domain, string? Fingerprint, IReadOnlyList<string> Features, string? ProductId)
{
    /// <summary>The release date of the build asking (perpetual licenses: is it covered by the update entitlement?).</summary>
    public DateTimeOffset? ReleaseDate { get; init; }

    /// <summary>The version of the build asking; resolved to a release date through the product's releases.</summary>
    public string? Version { get; init; }
}

/// <summary>What validation knows about metered use: the total so far in the current period and the plan's limit.</summary>
public sealed record UsageState(long Used, long Limit);

public sealed record Verdict(ValidationCode Code, string Detail, License? License, DateTimeOffset? RevalidateAfter)
{
    public bool Valid => Code == ValidationCode.Valid;
    public string? Certificate { get; init; }
}

/// <summary>The pure outcome of the rules: a verdict, and what a VALID verdict still has to activate.</summary>
public sealed record Evaluation(Verdict Verdict, IReadOnlyList<ActivationTarget> ToActivate);

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
            ?? Binding(license, request.Domain is null ? null : new ActivationTarget(request.Domain, null), now, policy, development, toActivate, ValidationCode.DomainMismatch)
            ?? Binding(license, request.Fingerprint is null ? null : new ActivationTarget(null, request.Fingerprint), now, policy, development, toActivate, ValidationCode.FingerprintMismatch)
            ?? FeatureNotEntitled(license, request)
            ?? UpdateNotCovered(license, releaseDate ?? request.ReleaseDate)
            ?? UsageLimitExceeded(license, usage);
        if (failed is not null) return new Evaluation(failed, []);
        var revalidate = now + TimeSpan.FromHours(policy.RevalidateAfterHours);
        if (license.ExpiresAt is { } e && e < revalidate) revalidate = e;
        return new Evaluation(new Verdict(ValidationCode.Valid, "license is valid", license, revalidate), toActivate);
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
            ? Fail(ValidationCode.Suspended, l.StatusReason == "sharing" ? "license is suspended: it was used on more sites than it allows" : "license is suspended", l)
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
        var slotsLeft = Math.Min(l.MaxActivations ?? ActivationRules.HardCap, ActivationRules.HardCap) - l.Activations.Count - toActivate.Count(a => !ActivationRules.IsFree(a, development));
        if (policy.AutoActivate && slotsLeft > 0)
        {
            toActivate.Add(t);
            return null;
        }
        return Fail(mismatch, policy.AutoActivate
            ? $"{t.Describe} is not activated and all {l.MaxActivations} activation slots are in use"
            : $"{t.Describe} is not activated for this license", l);
    }

    private static Verdict? DevelopmentHost(License l, ActivationTarget t, DateTimeOffset now, DevelopmentHostPolicy development, List<ActivationTarget> toActivate, ValidationCode mismatch)
    {
        if (ActivationRules.SeenDevelopmentHost(l, t.Domain!, now) is not null) return null;
        if (ActivationRules.DevelopmentHostRefusal(l, t.Domain!, development, now, toActivate.Count(a => ActivationRules.IsFree(a, development))) is { } refusal)
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
            ? Fail(ValidationCode.UpdateNotCovered, $"updates were included until {until.UtcDateTime:yyyy-MM-dd}; this release is from {released.UtcDateTime:yyyy-MM-dd}. Renewing the update plan covers it; earlier releases keep working", l)
            : null;

    /// <summary>Metered plans: the period's allowance is used up (used ≥ limit).</summary>
    private static Verdict? UsageLimitExceeded(License l, UsageState? usage) =>
        usage is { } u && u.Used >= u.Limit
            ? Fail(ValidationCode.UsageLimitExceeded, $"{u.Used} of {u.Limit} units used this period", l)
            : null;
}

/// <summary>Activate and deactivate answers (API.md "Activations").</summary>
public sealed record ActivateResult(bool Activated, string Code, string Detail, Activation? Activation, License? License, DateTimeOffset? RevalidateAfter, string? Certificate)
{
    /// <summary>A development host: no slot used (capped per 30 days instead).</summary>
    public bool Development { get; init; }
}

public sealed record DeactivateResult(bool Deactivated, string? Code, string Detail, License? License);

/// <summary>
/// The public, key-authenticated operations shipped code calls: validate, activate, deactivate. Each verifies the key
/// in memory first (a forged key costs no storage call), applies the per-key rate limit, then does one point read
/// of the license; policies come from the in-memory product cache. Only a change of state writes.
/// </summary>
public sealed class LicenseRuntime(
    PublicKeyCache keys, ILicenseStore licenses, ProductCache products, ActivationService activations,
    CertificateIssuer certificates, ActivityRecorder activity, AbuseGuard guard, TimeProvider clock,
    UsageCache usage, IUsageLedger ledger, QuotaGate quotas, LicenseReadCache cache)
{
    public async Task<Verdict> ValidateAsync(ValidationRequest request, string? clientAddress, CancellationToken ct)
    {
        var license = await ReadAsync(request.Key, ct).ConfigureAwait(false);
        if (license is null) return ValidationRules.NotFound;
        var product = await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false);
        var (policy, development) = ProductCache.Policies(product, license.Plan);
        var now = clock.GetUtcNow();
        DateTimeOffset? releaseDate = request.ReleaseDate;
        if (request.Version is { } version)
            releaseDate = product?.Releases.TryGetValue(version, out var released) == true ? released
                : throw ValidationFailedException.For("version", $"version '{version}' is not among the product's releases; send releaseDate instead");
        UsageState? metered = null;
        if (policy.UsageLimit is { } limit)
            metered = new UsageState(await usage.TotalAsync(license.AccountId, license.Id, UsagePeriods.Key(policy.UsagePeriod, now), ct).ConfigureAwait(false), limit);
        var evaluation = ValidationRules.Evaluate(license, request, now, policy, development, metered, releaseDate);
        var verdict = evaluation.Verdict;
        foreach (var target in evaluation.ToActivate)
        {
            var outcome = await activations.ActivateAsync(license, target, null, development, ct).ConfigureAwait(false);
            license = outcome.License;
            cache.Update(license);
            if (!outcome.Activated)
            {
                // Another request took the last slot (or development-host allowance) between our read and our write.
                verdict = ValidationRules.Fail(target.Domain is null ? ValidationCode.FingerprintMismatch : ValidationCode.DomainMismatch,
                    outcome.Development ? outcome.Detail : $"{target.Describe} is not activated and all {license.MaxActivations} activation slots are in use", license);
                break;
            }
            verdict = verdict with { License = license };
        }
        if (verdict.Valid && await quotas.IsOverValidationQuotaAsync(license.AccountId, ct).ConfigureAwait(false))
        {
            // Degraded mode: the verdict stands; clients are asked back less often (docs/quotas.md).
            var stretched = now + QuotaGate.DegradedRevalidateAfter;
            if (license.ExpiresAt is { } e && e < stretched) stretched = e;
            if (stretched > verdict.RevalidateAfter) verdict = verdict with { RevalidateAfter = stretched };
        }
        if (verdict.Valid)
            verdict = verdict with
            {
                Certificate = await certificates.IssueAsync(license, request.Domain, request.Fingerprint, verdict.RevalidateAfter!.Value, policy,
                    ActivationRules.ServedAsDevelopmentHost(license, request.Domain, development), ct).ConfigureAwait(false),
            };
        activity.Record(license, policy, development, request.Domain, clientAddress, verdict.Valid);
        return verdict;
    }

    public async Task<ActivateResult> ActivateAsync(string key, ActivationTarget target, string? name, CancellationToken ct)
    {
        var license = await ReadAsync(key, ct).ConfigureAwait(false);
        if (license is null) return new ActivateResult(false, ValidationCode.NotFound.ToWire(), ValidationRules.NotFound.Detail, null, null, null, null);
        var now = clock.GetUtcNow();
        if (ValidationRules.Status(license, now) is { } failed) return new ActivateResult(false, failed.Code.ToWire(), failed.Detail, null, license, null, null);
        var (policy, development) = ProductCache.Policies(await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false), license.Plan);
        var outcome = await activations.ActivateAsync(license, target, name, development, ct).ConfigureAwait(false);
        cache.Update(outcome.License);
        if (!outcome.Activated) return new ActivateResult(false, "ACTIVATION_LIMIT_REACHED", outcome.Detail, null, outcome.License, null, null);
        var revalidate = now + TimeSpan.FromHours(policy.RevalidateAfterHours);
        if (outcome.License.ExpiresAt is { } e && e < revalidate) revalidate = e;
        var certificate = await certificates.IssueAsync(outcome.License, target.Domain is { } d && !Domains.HostBindings.IsWildcard(d) ? d : null,
            target.Fingerprint, revalidate, policy, outcome.Development, ct).ConfigureAwait(false);
        return new ActivateResult(true, ValidationCode.Valid.ToWire(), outcome.Detail, outcome.Activation, outcome.License, revalidate, certificate) { Development = outcome.Development };
    }

    public async Task<DeactivateResult> DeactivateAsync(string key, ActivationTarget target, CancellationToken ct)
    {
        var license = await ReadAsync(key, ct).ConfigureAwait(false);
        if (license is null) return new DeactivateResult(false, ValidationCode.NotFound.ToWire(), ValidationRules.NotFound.Detail, null);
        var (policy, _) = ProductCache.Policies(await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false), license.Plan);
        var outcome = await activations.DeactivateAsync(license, target, policy, ct).ConfigureAwait(false);
        cache.Update(outcome.License);
        return new DeactivateResult(outcome.Deactivated, outcome.Code, outcome.Detail, outcome.License);
    }

    /// <summary>Records metered use against a key, once per idempotency key; the answer carries the exact period total.</summary>
    public async Task<UsageReport> ReportUsageAsync(string key, long quantity, string idempotencyKey, CancellationToken ct)
    {
        var license = await ReadAsync(key, ct, usage: true).ConfigureAwait(false);
        if (license is null) return new UsageReport(false, false, ValidationCode.NotFound.ToWire(), ValidationRules.NotFound.Detail, 0, null, null, null);
        var now = clock.GetUtcNow();
        if (ValidationRules.Status(license, now) is { } failed) return new UsageReport(false, false, failed.Code.ToWire(), failed.Detail, 0, null, null, null);
        var (policy, _) = ProductCache.Policies(await products.GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false), license.Plan);
        var period = UsagePeriods.Key(policy.UsagePeriod, now);
        var (start, end) = UsagePeriods.Bounds(policy.UsagePeriod, now);
        var added = await ledger.AddAsync(license.AccountId, license.Id, period, idempotencyKey, quantity, now, ct).ConfigureAwait(false);
        var total = await ledger.GetTotalAsync(license.AccountId, license.Id, period, ct).ConfigureAwait(false);
        usage.Set(license.AccountId, license.Id, period, total);
        return new UsageReport(added, !added, null, added ? "recorded" : "already recorded (same idempotency key)", total, policy.UsageLimit, start, end);
    }

    /// <summary>Verify in memory, rate-limit per license, then the one point read.</summary>
    private async Task<License?> ReadAsync(string key, CancellationToken ct, bool usage = false)
    {
        var ring = await keys.GetAsync(ct).ConfigureAwait(false);
        if (!LicenseKey.TryVerify(key, ring, out var id)) return null;
        if (usage) guard.CheckUsage(id.LicenseId);
        else guard.CheckLicense(id.LicenseId);
        return await cache.GetAsync(id.AccountId, id.LicenseId, licenses, ct).ConfigureAwait(false);
    }
}

public sealed record UsageReport(bool Recorded, bool Duplicate, string? Code, string Detail, long Used, long? Limit, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd);
