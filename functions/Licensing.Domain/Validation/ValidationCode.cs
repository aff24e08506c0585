namespace Licensing.Domain.Validation;

/// <summary>The closed set of verdicts (docs/openapi.yaml, POST /v1/validate), in the order they are checked (first failure wins).</summary>
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
