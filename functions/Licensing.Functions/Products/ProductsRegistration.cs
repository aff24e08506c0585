using Licensing.Domain.Products;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Products;

public static class ProductsRegistration
{
    /// <summary>Products and their plans, with the per-instance product cache.</summary>
    public static IServiceCollection AddProducts(this IServiceCollection services)
    {
        services.AddSingleton<IProductStore, ProductTableStore>();
        services.AddSingleton(sp => new ProductService(sp.GetRequiredService<IProductStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ProductCache>()));
        services.AddSingleton<ProductCache>();
        return services;
    }
}
