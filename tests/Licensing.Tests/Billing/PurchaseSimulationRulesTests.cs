using Licensing.Domain.Billing;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Tests.Billing;

/// <summary>
/// Which item id a simulated purchase carries: one that the processor's own lookup (<see cref="PlanLookup.Priced"/>)
/// brings back to the very plan asked for, in the order it reads the account's products.
/// </summary>
public sealed class PurchaseSimulationRulesTests
{
    private static Plan Plan(string id, params string[] variants) =>
        new(id, id, LicenseModel.Perpetual, null, 1, [], PlanPolicy.Default) { LemonSqueezyVariantIds = variants };

    private static Product Product(string id, params Plan[] plans) =>
        new("acct_1", id, id, plans, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DevelopmentHostPolicy.Default);

    [Fact]
    public void The_first_id_that_maps_back_to_the_plan_is_chosen_and_a_plan_without_one_is_explained()
    {
        var other = Product("other", Plan("solo", "1"));
        var mine = Product("mine", Plan("pro", "1", "2"), Plan("business"));
        var products = new[] { other, mine };

        Assert.Equal("2", PurchaseSimulation.ItemId(mine, mine.Plans[0], BillingProvider.LemonSqueezy, products, out var problem));
        Assert.Null(problem);

        Assert.Null(PurchaseSimulation.ItemId(mine, mine.Plans[1], BillingProvider.LemonSqueezy, products, out problem));
        Assert.Equal("plan business has no Lemon Squeezy variant id; set it on the plan first (lemonSqueezyVariantIds)", problem);

        var shadowed = Product("mine", Plan("pro", "1"));
        Assert.Null(PurchaseSimulation.ItemId(shadowed, shadowed.Plans[0], BillingProvider.LemonSqueezy, [other, shadowed], out problem));
        Assert.Contains("gets plan solo of product other", problem, StringComparison.Ordinal);
    }
}
