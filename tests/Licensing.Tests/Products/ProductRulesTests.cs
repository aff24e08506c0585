using Licensing.Domain.Common;
using Licensing.Domain.Products;

namespace Licensing.Tests.Products;

public sealed class ProductRulesTests
{
    [Fact]
    public void A_valid_product_keeps_its_plans()
    {
        var (name, plans, _, _, _) = ProductRules.Validate("my-plugin", new ProductInput(" My Plugin ",
            [new PlanInput("pro", "Pro", "subscription", 365, 3, ["export"]), new PlanInput("life", null, "lifetime", null, null, null)]));
        Assert.Equal("My Plugin", name);
        Assert.Equal(2, plans.Count);
        Assert.Equal(LicenseModel.Lifetime, plans[1].Model);
        Assert.Null(plans[1].MaxActivations);
        Assert.Equal("life", plans[1].Name);
    }

    [Theory]
    [InlineData("my-plugin\n")]
    [InlineData("my-plugin\r\n")]
    [InlineData("\nmy-plugin")]
    public void Ids_and_features_with_a_line_break_are_refused(string value)
    {
        Assert.False(Naming.IsSlug(value));
        Assert.False(Naming.IsFeature(value));
        Assert.True(Naming.IsSlug(value.Trim()));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var e = Assert.Throws<ValidationFailedException>(() => ProductRules.Validate("Bad_Id", new ProductInput("",
            [new PlanInput("pro", "Pro", "monthly", 0, -1, ["ok", "bad feature"]), new PlanInput("pro", "Pro", "subscription", null, null, null), null])));
        Assert.Contains("productId", e.Errors.Keys);
        Assert.Contains("name", e.Errors.Keys);
        Assert.Contains("plans[0].model", e.Errors.Keys);
        Assert.Contains("plans[0].durationDays", e.Errors.Keys);
        Assert.Contains("plans[0].maxActivations", e.Errors.Keys);
        Assert.Contains("plans[0].features[1]", e.Errors.Keys);
        Assert.Contains("plans[1].durationDays", e.Errors.Keys);
        Assert.Contains("plans[2]", e.Errors.Keys);
    }

    [Fact]
    public void Duplicate_plan_ids_and_empty_plans_are_refused()
    {
        Assert.Contains("plans[1].id", Assert.Throws<ValidationFailedException>(() => ProductRules.Validate("p", new ProductInput("P",
            [new PlanInput("a", null, "perpetual", null, 1, null), new PlanInput("a", null, "perpetual", null, 1, null)]))).Errors.Keys);
        Assert.Contains("plans", Assert.Throws<ValidationFailedException>(() => ProductRules.Validate("p", new ProductInput("P", []))).Errors.Keys);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("my-plugin-2", true)]
    [InlineData("", false)]
    [InlineData("My", false)]
    [InlineData("a_b", false)]
    public void Slugs(string value, bool ok) => Assert.Equal(ok, Naming.IsSlug(value));

    [Fact]
    public void Slug_length_is_1_to_64()
    {
        Assert.True(Naming.IsSlug(new string('a', 64)));
        Assert.False(Naming.IsSlug(new string('a', 65)));
    }
}
