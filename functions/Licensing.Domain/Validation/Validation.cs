using Licensing.Domain.Keys;
using Licensing.Domain.Licenses;

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
        ValidationCode.UsageLimitExceeded => "USAGE_LIMIT_EXCEEDED",
        ValidationCode.Valid => "VALID",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };
}

/// <summary>A validation request after parsing: the domain is already normalised (or null).</summary>
public sealed record ValidationRequest(string Key, string? Domain, string? Fingerprint, IReadOnlyList<string> Features, string? ProductId);

public sealed record Verdict(ValidationCode Code, string Detail, License? License, DateTimeOffset? RevalidateAfter)
{
    public bool Valid => Code == ValidationCode.Valid;
}

/// <summary>
/// One small function per rule, composed in the contract's order. Each returns a failing verdict or null to let
/// the next rule decide. Pure: no I/O, the clock is an argument.
/// </summary>
public static class ValidationRules
{
    public static readonly TimeSpan DefaultRevalidateAfter = TimeSpan.FromHours(72);

    private delegate Verdict? Rule(License license, ValidationRequest request, DateTimeOffset now);

    private static readonly Rule[] Order = [Revoked, Suspended, Expired, ProductMismatch, DomainMismatch, FeatureNotEntitled];

    public static Verdict NotFound { get; } = new(ValidationCode.NotFound, "license key not recognised", null, null);

    public static Verdict Evaluate(License license, ValidationRequest request, DateTimeOffset now)
    {
        foreach (var rule in Order)
            if (rule(license, request, now) is { } failed) return failed;
        var revalidate = now + DefaultRevalidateAfter;
        if (license.ExpiresAt is { } e && e < revalidate) revalidate = e;
        return new Verdict(ValidationCode.Valid, "license is valid", license, revalidate);
    }

    private static Verdict Fail(ValidationCode code, string detail, License license) => new(code, detail, license, null);

    private static Verdict? Revoked(License l, ValidationRequest r, DateTimeOffset now) =>
        l.Status == LicenseStatus.Revoked ? Fail(ValidationCode.Revoked, "license has been revoked", l) : null;

    private static Verdict? Suspended(License l, ValidationRequest r, DateTimeOffset now) =>
        l.Status == LicenseStatus.Suspended ? Fail(ValidationCode.Suspended, "license is suspended", l) : null;

    private static Verdict? Expired(License l, ValidationRequest r, DateTimeOffset now) =>
        l.EffectiveStatus(now) == LicenseStatus.Expired
            ? Fail(ValidationCode.Expired, l.ExpiresAt is { } e ? $"license expired at {e.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : "license has expired", l)
            : null;

    private static Verdict? ProductMismatch(License l, ValidationRequest r, DateTimeOffset now) =>
        r.ProductId is not null && r.ProductId != l.ProductId
            ? Fail(ValidationCode.ProductMismatch, $"license is for product '{l.ProductId}', not '{r.ProductId}'", l)
            : null;

    private static Verdict? DomainMismatch(License l, ValidationRequest r, DateTimeOffset now)
    {
        if (r.Domain is null || !l.Domains.Any()) return null;
        return l.Domains.Contains(r.Domain, StringComparer.Ordinal)
            ? null
            : Fail(ValidationCode.DomainMismatch, $"domain '{r.Domain}' is not activated for this license", l);
    }

    private static Verdict? FeatureNotEntitled(License l, ValidationRequest r, DateTimeOffset now)
    {
        foreach (var feature in r.Features)
            if (!l.Features.Contains(feature, StringComparer.Ordinal))
                return Fail(ValidationCode.FeatureNotEntitled, $"license does not include feature '{feature}'", l);
        return null;
    }
}

/// <summary>The hot path: verify the key in memory, then one point read, then the pure rules.</summary>
public sealed class ValidationService(PublicKeyCache keys, ILicenseStore licenses, TimeProvider clock)
{
    public async Task<Verdict> ValidateAsync(ValidationRequest request, CancellationToken ct)
    {
        var ring = await keys.GetAsync(ct).ConfigureAwait(false);
        if (!LicenseKey.TryVerify(request.Key, ring, out var id)) return ValidationRules.NotFound;
        var license = await licenses.GetAsync(id.AccountId, id.LicenseId, ct).ConfigureAwait(false);
        return license is null ? ValidationRules.NotFound : ValidationRules.Evaluate(license, request, clock.GetUtcNow());
    }
}
