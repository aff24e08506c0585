
namespace Licensing.Domain.Products;

/// <summary>
/// Products by id, held per instance for <see cref="Ttl"/>, so validation reads plan policies (auto-activation,
/// revalidation, grace, development hosts) from memory: a policy change reaches every instance within a minute
/// and applies to licenses already sold. Contractual terms (features, limits, expiry) live on the license.
/// </summary>
public sealed class ProductCache(IProductStore store, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private readonly Common.TtlCache<(string, string), Product?> _items = new(clock, Ttl);

    public ValueTask<Product?> GetAsync(string accountId, string productId, CancellationToken ct) =>
        _items.GetAsync((accountId, productId), (store, accountId, productId), static (s, token) => s.store.GetAsync(s.accountId, s.productId, token), ct);

    /// <summary>Reloads the hot products (read at or after <paramref name="readSince"/>) that expire within <paramref name="lead"/>, one read each.</summary>
    public Task<int> RefreshDueAsync(DateTimeOffset readSince, TimeSpan lead, int max, CancellationToken ct) =>
        _items.RefreshDueAsync(readSince, lead, max, store, (s, key, token) => s.GetAsync(key.Item1, key.Item2, token), ct);

    /// <summary>This instance's copy is replaced at once when the product is written here.</summary>
    public void Set(Product product) => _items.Set((product.AccountId, product.Id), product);

    public static (PlanPolicy Plan, DevelopmentHostPolicy Development) Policies(Product? product, string planId)
    {
        var plan = product?.FindPlan(planId)?.Policy ?? PlanPolicy.Default;
        return (plan, (product?.DevelopmentHosts ?? DevelopmentHostPolicy.Default) with { MaxHosts = plan.MaxDevelopmentHosts });
    }
}
