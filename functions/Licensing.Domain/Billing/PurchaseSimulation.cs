using Licensing.Domain.Products;

namespace Licensing.Domain.Billing;

/// <summary>
/// The provider-independent rules of a simulated purchase: which of the provider's item ids (price, variant, product)
/// the simulated event carries so that the processor maps it to the plan exactly as it maps a real purchase
/// (<see cref="PlanLookup.Priced"/>), and what a founder is told when the plan has none.
/// </summary>
public static class PurchaseSimulation
{
    /// <summary>The provider as a founder reads it.</summary>
    public static string DisplayName(BillingProvider provider) => provider switch
    {
        BillingProvider.LemonSqueezy => "Lemon Squeezy",
        BillingProvider.AppSumo => "AppSumo",
        _ => provider.ToString(),
    };

    /// <summary>What the provider calls the id a plan is mapped by, and the plan's field that lists them.</summary>
    public static (string Item, string Field) ItemOf(BillingProvider provider) => provider switch
    {
        BillingProvider.Stripe => ("price id", "stripePriceIds"),
        BillingProvider.LemonSqueezy => ("variant id", "lemonSqueezyVariantIds"),
        BillingProvider.Paddle => ("price id", "paddlePriceIds"),
        BillingProvider.Gumroad => ("product id or permalink", "gumroadProductIds"),
        _ => ("tier", "appsumoTiers"),
    };

    /// <summary>
    /// The first of the plan's ids for <paramref name="provider"/> that a real purchase would map to this very plan, given
    /// all the account's <paramref name="products"/> in the order the processor reads them; null with a founder's
    /// <paramref name="problem"/> when the plan has no id for that provider, or when each of its ids goes to another plan first.
    /// </summary>
    public static string? ItemId(Product product, Plan plan, BillingProvider provider, IReadOnlyList<Product> products, out string? problem)
    {
        var ids = PlanLookup.PriceIdsOf(plan, provider);
        var (item, field) = ItemOf(provider);
        var name = DisplayName(provider);
        problem = null;
        if (ids.Count == 0)
        {
            problem = $"plan {plan.Id} has no {name} {item}; set it on the plan first ({field})";
            return null;
        }
        foreach (var id in ids)
            if (PlanLookup.FirstPriced(products, provider, [id]) is { } found && found.Product.Id == product.Id && found.Plan.Id == plan.Id) return id;
        var other = PlanLookup.FirstPriced(products, provider, ids);
        problem = $"a {name} purchase of {item} {ids[0]} gets plan {other?.Plan.Id} of product {other?.Product.Id}, which lists it first; "
            + $"give plan {plan.Id} a {item} of its own";
        return null;
    }
}
