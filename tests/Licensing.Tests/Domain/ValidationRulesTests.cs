using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Validation;

namespace Licensing.Tests.Domain;

public sealed class ValidationRulesTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static License Sample(LicenseStatus status = LicenseStatus.Active, DateTimeOffset? expiresAt = null, params string[] domains) => new()
    {
        AccountId = "acct_0000000000000001",
        Id = "lic_000000000000000000000001",
        ProductId = "my-plugin",
        Plan = "pro",
        Model = LicenseModel.Subscription,
        Status = status,
        CustomerEmail = "c@example.com",
        Features = ["analytics", "export"],
        Activations = domains.Select(d => new Activation(Activations.IdFor(d), d, null, null, Now)).ToArray(),
        MaxActivations = 3,
        ExpiresAt = expiresAt ?? Now.AddDays(30),
        CreatedAt = Now,
        UpdatedAt = Now,
        Metadata = new Dictionary<string, string>(),
        Key = "LK1.test",
    };

    private static ValidationRequest Request(string? domain = null, string? productId = null, params string[] features) =>
        new("LK1.test", domain, null, features, productId);

    [Fact]
    public void Valid_license_is_valid_with_revalidate_after_capped_by_expiry()
    {
        var v = ValidationRules.Evaluate(Sample(domains: "a.com"), Request("a.com", "my-plugin", "export"), Now);
        Assert.Equal(ValidationCode.Valid, v.Code);
        Assert.Equal(Now + ValidationRules.DefaultRevalidateAfter, v.RevalidateAfter);

        var soon = ValidationRules.Evaluate(Sample(expiresAt: Now.AddHours(1)), Request(), Now);
        Assert.Equal(Now.AddHours(1), soon.RevalidateAfter);
    }

    [Theory]
    [InlineData(LicenseStatus.Revoked, -1, "other-product", "b.com", "nope", ValidationCode.Revoked)]
    [InlineData(LicenseStatus.Suspended, -1, "other-product", "b.com", "nope", ValidationCode.Suspended)]
    [InlineData(LicenseStatus.Active, -1, "other-product", "b.com", "nope", ValidationCode.Expired)]
    [InlineData(LicenseStatus.Expired, 10, "other-product", "b.com", "nope", ValidationCode.Expired)]
    [InlineData(LicenseStatus.Active, 10, "other-product", "b.com", "nope", ValidationCode.ProductMismatch)]
    [InlineData(LicenseStatus.Active, 10, "my-plugin", "b.com", "nope", ValidationCode.DomainMismatch)]
    [InlineData(LicenseStatus.Active, 10, "my-plugin", "a.com", "nope", ValidationCode.FeatureNotEntitled)]
    [InlineData(LicenseStatus.Active, 10, "my-plugin", "a.com", "export", ValidationCode.Valid)]
    public void First_failure_in_contract_order_wins(LicenseStatus status, int expiresInDays, string productId, string domain, string feature, ValidationCode expected)
    {
        var license = Sample(status, Now.AddDays(expiresInDays), "a.com");
        Assert.Equal(expected, ValidationRules.Evaluate(license, Request(domain, productId, feature), Now).Code);
    }

    [Fact]
    public void Expiry_is_exclusive_at_the_instant()
    {
        Assert.Equal(ValidationCode.Expired, ValidationRules.Evaluate(Sample(expiresAt: Now), Request(), Now).Code);
        Assert.Equal(ValidationCode.Valid, ValidationRules.Evaluate(Sample(expiresAt: Now.AddTicks(1)), Request(), Now).Code);
    }

    [Fact]
    public void A_license_without_expiry_never_expires()
    {
        var perpetual = Sample() with { ExpiresAt = null, Model = LicenseModel.Perpetual };
        var v = ValidationRules.Evaluate(perpetual, Request(), Now.AddYears(50));
        Assert.Equal(ValidationCode.Valid, v.Code);
    }

    [Fact]
    public void Codes_have_the_contract_wire_names()
    {
        Assert.Equal(
            ["NOT_FOUND", "REVOKED", "SUSPENDED", "EXPIRED", "PRODUCT_MISMATCH", "DOMAIN_MISMATCH", "FINGERPRINT_MISMATCH", "FEATURE_NOT_ENTITLED", "USAGE_LIMIT_EXCEEDED", "VALID"],
            Enum.GetValues<ValidationCode>().Select(c => c.ToWire()));
    }
}
