using FsCheck;
using FsCheck.Xunit;
using Licensing.Domain.Activations;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Validation;

namespace Licensing.Tests.Validation;

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
        Activations = domains.Select(d => new Activation(ActivationRules.IdFor(d), d, null, null, Now).Ref).ToArray(),
        MaxActivations = 3,
        ExpiresAt = expiresAt ?? Now.AddDays(30),
        CreatedAt = Now,
        UpdatedAt = Now,
        Metadata = new Dictionary<string, string>(),
        Key = "LK1.test",
    };

    private static readonly PlanPolicy NoAutoActivate = new() { AutoActivate = false };

    private static Verdict Eval(License license, ValidationRequest request, DateTimeOffset now, PlanPolicy? policy = null,
        DevelopmentHostPolicy? development = null) =>
        ValidationRules.Evaluate(license, request, now, policy ?? PlanPolicy.Default, development ?? DevelopmentHostPolicy.Default).Verdict;

    private static ValidationRequest Request(string? domain = null, string? productId = null, params string[] features) =>
        new("LK1.test", domain, null, features, productId);

    [Fact]
    public void Valid_license_is_valid_with_revalidate_after_capped_by_expiry()
    {
        var v = Eval(Sample(domains: "a.com"), Request("a.com", "my-plugin", "export"), Now);
        Assert.Equal(ValidationCode.Valid, v.Code);
        Assert.Equal(Now + TimeSpan.FromHours(PlanPolicy.DefaultRevalidateAfterHours), v.RevalidateAfter);

        var soon = Eval(Sample(expiresAt: Now.AddHours(1)), Request(), Now);
        Assert.Equal(Now.AddHours(1), soon.RevalidateAfter);
    }

    [Fact]
    public void Every_revalidate_after_is_capped_by_expiry_the_degraded_one_too()
    {
        var license = Sample(expiresAt: Now.AddDays(2));
        Assert.Equal(Now.AddDays(2), ValidationRules.RevalidateAfter(license, Now, TimeSpan.FromDays(7)));
        Assert.Equal(Now.AddDays(1), ValidationRules.RevalidateAfter(license, Now, TimeSpan.FromDays(1)));
        Assert.Equal(Now.AddDays(7), ValidationRules.RevalidateAfter(license with { ExpiresAt = null }, Now, TimeSpan.FromDays(7)));
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
    public void First_failure_in_contract_order_wins(LicenseStatus status, int expiresInDays, string productId, string domain, string feature,
        ValidationCode expected)
    {
        var license = Sample(status, Now.AddDays(expiresInDays), "a.com");
        Assert.Equal(expected, Eval(license, Request(domain, productId, feature), Now, NoAutoActivate).Code);
    }

    [Fact]
    public void Expiry_is_exclusive_at_the_instant()
    {
        Assert.Equal(ValidationCode.Expired, Eval(Sample(expiresAt: Now), Request(), Now).Code);
        Assert.Equal(ValidationCode.Valid, Eval(Sample(expiresAt: Now.AddTicks(1)), Request(), Now).Code);
    }

    [Fact]
    public void A_license_without_expiry_never_expires()
    {
        var perpetual = Sample() with { ExpiresAt = null, Model = LicenseModel.Perpetual };
        var v = Eval(perpetual, Request(), Now.AddYears(50));
        Assert.Equal(ValidationCode.Valid, v.Code);
    }

    [Fact]
    public void A_new_domain_takes_a_free_slot_only_on_an_auto_activating_plan()
    {
        var license = Sample(domains: "a.com");
        var evaluation = ValidationRules.Evaluate(license, Request("b.com"), Now, PlanPolicy.Default, DevelopmentHostPolicy.Default);
        Assert.Equal(ValidationCode.Valid, evaluation.Verdict.Code);
        Assert.Equal("b.com", Assert.Single(evaluation.ToActivate).Domain);

        Assert.Equal(ValidationCode.DomainMismatch, Eval(license, Request("b.com"), Now, NoAutoActivate).Code);
        var full = Sample(domains: ["a.com", "b.com", "c.com"]);
        Assert.Equal(ValidationCode.DomainMismatch, Eval(full, Request("d.com"), Now).Code);
    }

    [Fact]
    public void No_activation_is_queued_when_a_later_rule_fails()
    {
        var evaluation = ValidationRules.Evaluate(Sample(domains: "a.com"), Request("b.com", null, "not-included"), Now, PlanPolicy.Default,
            DevelopmentHostPolicy.Default);
        Assert.Equal(ValidationCode.FeatureNotEntitled, evaluation.Verdict.Code);
        Assert.Empty(evaluation.ToActivate);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("192.168.1.20")]
    [InlineData("mysite.local")]
    [InlineData("staging.customer.com")]
    [InlineData("customer.wpengine.com")]
    public void Development_hosts_pass_without_a_slot_unless_the_product_turns_them_off(string host)
    {
        var full = Sample(domains: ["a.com", "b.com", "c.com"]);
        var evaluation = ValidationRules.Evaluate(full, Request(host), Now, NoAutoActivate, DevelopmentHostPolicy.Default);
        Assert.Equal(ValidationCode.Valid, evaluation.Verdict.Code);
        // Queued to be recorded against the development-host allowance (the license is full: it takes no slot).
        Assert.Equal(host, Assert.Single(evaluation.ToActivate).Domain);
        var recorded = full with { DevelopmentHosts = [new DevelopmentHostUse(host, Now.AddDays(-1))] };
        Assert.Empty(ValidationRules.Evaluate(recorded, Request(host), Now, NoAutoActivate, DevelopmentHostPolicy.Default).ToActivate);
        Assert.Equal(ValidationCode.DomainMismatch, Eval(full, Request(host), Now, NoAutoActivate, new DevelopmentHostPolicy(false, [])).Code);
    }

    [Fact]
    public void Development_hosts_are_capped_per_license_per_30_days()
    {
        var capTwo = DevelopmentHostPolicy.Default with { MaxHosts = 2 };
        var license = Sample(domains: "a.com") with
        {
            DevelopmentHosts = [new DevelopmentHostUse("localhost", Now.AddDays(-29)), new DevelopmentHostUse("staging.a.com", Now.AddDays(-1))],
        };
        var over = Eval(license, Request("dev.shop.a.com"), Now, NoAutoActivate, capTwo);
        Assert.Equal(ValidationCode.DomainMismatch, over.Code);
        Assert.Contains("development hosts per 30 days", over.Detail);
        Assert.Equal(ValidationCode.Valid, Eval(license, Request("localhost"), Now, NoAutoActivate, capTwo).Code);
        // 30 days after localhost was recorded, its place is free again.
        Assert.Equal(ValidationCode.Valid, Eval(license, Request("dev.shop.a.com"), Now.AddDays(1), NoAutoActivate, capTwo).Code);
        // The default allowance is 10.
        Assert.Equal(PlanPolicy.DefaultMaxDevelopmentHosts, DevelopmentHostPolicy.Default.MaxHosts);
        var ten = Sample(domains: "a.com") with
        {
            DevelopmentHosts = [.. Enumerable.Range(0, 10).Select(i => new DevelopmentHostUse($"site{i}.local", Now.AddDays(-1)))],
        };
        Assert.Equal(ValidationCode.DomainMismatch, Eval(ten, Request("site10.local"), Now, NoAutoActivate).Code);
        // A development-named host the license holds a slot for is not the allowance's to refuse.
        Assert.Equal(ValidationCode.DomainMismatch, Eval(ten, Request("staging.shop.com"), Now, NoAutoActivate).Code);
        Assert.Equal(ValidationCode.Valid,
            Eval(ten with { Activations = [.. ten.Activations, new Activation(ActivationRules.IdFor("*.shop.com"), "*.shop.com", null, null, Now).Ref] },
            Request("staging.shop.com"), Now, NoAutoActivate).Code);
        // Unlimited licenses are not bound to domains: nothing to cap.
        Assert.Equal(ValidationCode.Valid, Eval(ten with { MaxActivations = null }, Request("site10.local"), Now, NoAutoActivate).Code);
    }

    [Property(MaxTest = 300)]
    public void Coverage_by_index_agrees_with_binding_matches(NonNegativeInt seed)
    {
        var random = new Random(seed.Get);
        string Label() => new[] { "a", "b", "shop", "example", "co" }[random.Next(5)];
        string Host() => string.Join('.', Enumerable.Range(0, random.Next(2, 5)).Select(_ => Label()));
        var bindings = Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(3) == 0 ? "*." + Host() : Host()).Distinct().ToArray();
        var target = random.Next(4) == 0 ? "*." + Host() : Host();
        var license = Sample(domains: bindings);
        var expected = bindings.Any(b => Licensing.Domain.Domains.HostBindings.Matches(b, target));
        Assert.Equal(expected, ActivationRules.Covering(license, new ActivationTarget(target, null)) is not null);
    }

    [Fact]
    public void A_wildcard_binding_covers_subdomains_but_not_the_apex()
    {
        var license = Sample(domains: "*.example.com");
        Assert.Equal(ValidationCode.Valid, Eval(license, Request("shop.example.com"), Now, NoAutoActivate).Code);
        Assert.Equal(ValidationCode.Valid, Eval(license, Request("a.b.example.com"), Now, NoAutoActivate).Code);
        Assert.Equal(ValidationCode.DomainMismatch, Eval(license, Request("example.com"), Now, NoAutoActivate).Code);
        Assert.Equal(ValidationCode.DomainMismatch, Eval(license, Request("badexample.com"), Now, NoAutoActivate).Code);
    }

    [Fact]
    public void Unlimited_licenses_are_not_domain_bound_and_write_nothing()
    {
        var evaluation = ValidationRules.Evaluate(Sample(domains: "a.com") with { MaxActivations = null }, Request("anything.com"), Now, NoAutoActivate,
            DevelopmentHostPolicy.Default);
        Assert.Equal(ValidationCode.Valid, evaluation.Verdict.Code);
        Assert.Empty(evaluation.ToActivate);
    }

    [Fact]
    public void A_fingerprint_binds_like_a_domain()
    {
        var license = Sample() with
        {
            Activations = [new Activation(ActivationRules.IdFor(new ActivationTarget(null, "machine-1")), null, "machine-1",
            "Laptop", Now).Ref],
            MaxActivations = 1
        };
        Assert.Equal(ValidationCode.Valid, Eval(license, new ValidationRequest("k", null, "machine-1", [], null), Now).Code);
        Assert.Equal(ValidationCode.FingerprintMismatch, Eval(license, new ValidationRequest("k", null, "machine-2", [], null), Now).Code);
    }

    [Fact]
    public void Revalidation_follows_the_plan_policy()
    {
        var v = Eval(Sample(expiresAt: Now.AddDays(30)), Request(), Now, new PlanPolicy { RevalidateAfterHours = 24 });
        Assert.Equal(Now.AddHours(24), v.RevalidateAfter);
    }

    [Fact]
    public void Codes_have_the_contract_wire_names()
    {
        Assert.Equal(
            ["NOT_FOUND", "REVOKED", "SUSPENDED", "EXPIRED", "PRODUCT_MISMATCH", "DOMAIN_MISMATCH", "FINGERPRINT_MISMATCH", "FEATURE_NOT_ENTITLED",
                "UPDATE_NOT_COVERED", "USAGE_LIMIT_EXCEEDED", "VALID"],
            Enum.GetValues<ValidationCode>().Select(c => c.ToWire()));
    }
}
