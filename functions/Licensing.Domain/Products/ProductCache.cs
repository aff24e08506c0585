using Licensing.Domain.Licenses;

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

    /// <summary>
    /// The product of <paramref name="license"/> and its plan's policies through <paramref name="hot"/>'s kept answer while the product's
    /// cache entry it came from is still the one held and fresh, and the license is of the same product and plan; otherwise looked up
    /// (and kept). A product written or reloaded here replaces its entry, so a kept answer never outlives the product it was made of.
    /// </summary>
    public async ValueTask<KeptPolicies> PoliciesAsync(License license, HotLicense? hot, CancellationToken ct)
    {
        if (hot?.Policies is { } kept && kept.Serves(license) && _items.TryGet(kept.Entry, out _)) return kept;
        var product = await GetAsync(license.AccountId, license.ProductId, ct).ConfigureAwait(false);
        var (plan, development) = Policies(product, license.Plan);
        // The entry is looked for only when there is a hot state to keep the answer in, and kept only if it holds what was read.
        var entry = hot is null ? null : _items.Held((license.AccountId, license.ProductId));
        var answer = new KeptPolicies(entry is not null && ReferenceEquals(entry.Value, product) ? entry : null, license.AccountId, license.ProductId,
            license.Plan, product, plan, development);
        if (answer.Entry is not null) hot!.Policies = answer;
        return answer;
    }

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

/// <summary>
/// A license's product and plan policies as answered from the product cache's <paramref name="Entry"/> (see <see cref="ProductCache.PoliciesAsync"/>).
/// </summary>
public sealed record KeptPolicies(Common.TtlCache<(string, string), Product?>.Entry? Entry, string AccountId, string ProductId, string Plan,
    Product? Product, PlanPolicy PlanPolicy, DevelopmentHostPolicy Development)
{
    public bool Serves(License license) => license.Plan == Plan && license.ProductId == ProductId && license.AccountId == AccountId;
}
