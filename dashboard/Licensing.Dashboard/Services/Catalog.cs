using System.Text.Json.Nodes;

namespace Licensing.Dashboard.Services;

/// <summary>Reading <c>GET /v1/products</c>'s items for pickers: a product's id and name, and the plan ids of one product.</summary>
public static class Catalog
{
    public static string Id(JsonObject product) => product["productId"]?.GetValue<string>() ?? "";

    public static string Name(JsonObject product) => product["name"]?.GetValue<string>() ?? Id(product);

    public static IReadOnlyList<string> Plans(IEnumerable<JsonObject>? products, string? productId) =>
        products?.FirstOrDefault(p => Id(p) == productId)?["plans"]?.AsArray().Select(x => x?["id"]?.GetValue<string>() ?? "").ToList() ?? [];
}
