using Licensing.Domain.Common;

namespace Licensing.Domain.Products;

public interface IProductStore
{
    Task<Product?> GetAsync(string accountId, string productId, CancellationToken ct);

    /// <summary>Creates or replaces; returns true when it created.</summary>
    Task<bool> UpsertAsync(Product product, CancellationToken ct);

    /// <summary>All of an account's products (one partition; small).</summary>
    Task<IReadOnlyList<Product>> ListAsync(string accountId, CancellationToken ct);
}

public sealed class ProductService(IProductStore store, TimeProvider clock, ProductCache? cache = null)
{
    public async Task<(Product Product, bool Created)> PutAsync(string accountId, string productId, ProductInput input, CancellationToken ct)
    {
        var v = ProductRules.Validate(productId, input);
        var existing = await store.GetAsync(accountId, productId, ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var product = new Product(accountId, productId, v.Name, v.Plans, existing?.CreatedAt ?? now, now, v.DevelopmentHosts)
        {
            Releases = v.Releases,
            RenewalReminderDays = v.RenewalReminderDays,
            KeyFormat = v.KeyFormat,
        };
        var created = await store.UpsertAsync(product, ct).ConfigureAwait(false);
        cache?.Set(product);
        return (product, created);
    }

    /// <summary>All of an account's products (one partition read).</summary>
    public Task<IReadOnlyList<Product>> ListAsync(string accountId, CancellationToken ct) => store.ListAsync(accountId, ct);

    public async Task<Product> GetAsync(string accountId, string productId, CancellationToken ct)
    {
        if (!Naming.IsSlug(productId)) throw new NotFoundException($"product '{productId}' not found");
        return await store.GetAsync(accountId, productId, ct).ConfigureAwait(false)
            ?? throw new NotFoundException($"product '{productId}' not found");
    }
}
