using System.Collections.Concurrent;

namespace Licensing.Domain.Products;

/// <summary>
/// Products by id, held per instance for <see cref="Ttl"/>, so validation reads plan policies (auto-activation,
/// revalidation, grace, development hosts) from memory: a policy change reaches every instance within a minute
/// and applies to licenses already sold. Contractual terms (features, limits, expiry) live on the license.
/// </summary>
public sealed class ProductCache(IProductStore store, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<(string, string), (Product? Product, DateTimeOffset At)> _items = new();

    public async ValueTask<Product?> GetAsync(string accountId, string productId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_items.TryGetValue((accountId, productId), out var hit) && now - hit.At < Ttl) return hit.Product;
        var product = await store.GetAsync(accountId, productId, ct).ConfigureAwait(false);
        _items[(accountId, productId)] = (product, now);
        return product;
    }

    /// <summary>This instance's copy is replaced at once when the product is written here.</summary>
    public void Set(Product product) => _items[(product.AccountId, product.Id)] = (product, clock.GetUtcNow());

    public static (PlanPolicy Plan, DevelopmentHostPolicy Development) Policies(Product? product, string planId) =>
        (product?.FindPlan(planId)?.Policy ?? PlanPolicy.Default, product?.DevelopmentHosts ?? DevelopmentHostPolicy.Default);
}
