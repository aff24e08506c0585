using System.Text.Json.Nodes;

namespace Licensing.Dashboard.Services;

/// <summary>
/// A product's own settings as the editor shows them, turned to and from the API's JSON. <c>PUT /v1/products/{id}</c>
/// replaces the whole product, so whatever the editor does not show (the release dates, a newer API's fields) is sent
/// back as it came.
/// </summary>
public sealed class ProductDraft
{
    public static readonly string[] KeyFormats = ["signed", "short"];

    public string Name { get; set; } = "";
    public string KeyFormat { get; set; } = "signed";
    public int? RenewalReminderDays { get; set; }
    public bool DevelopmentHostsAllowed { get; set; } = true;
    public string DevelopmentHostPatterns { get; set; } = "";
    public JsonObject Rest { get; set; } = [];

    private static readonly string[] Known = ["productId", "name", "plans", "keyFormat", "renewalReminderDays", "developmentHosts", "createdAt", "updatedAt"];

    public static ProductDraft From(JsonObject product)
    {
        var rest = (JsonObject)product.DeepClone();
        foreach (var known in Known) rest.Remove(known);
        var hosts = product["developmentHosts"] as JsonObject;
        return new ProductDraft
        {
            Name = product["name"]?.GetValue<string>() ?? "",
            KeyFormat = product["keyFormat"]?.GetValue<string>() ?? "signed",
            RenewalReminderDays = product["renewalReminderDays"]?.GetValue<int?>(),
            DevelopmentHostsAllowed = hosts?["allowed"]?.GetValue<bool>() ?? true,
            DevelopmentHostPatterns = Lists.Join(hosts?["patterns"]),
            Rest = rest,
        };
    }

    public JsonObject ToJson(IEnumerable<PlanDraft> plans)
    {
        var product = (JsonObject)Rest.DeepClone();
        product["name"] = Name.Trim();
        product["plans"] = new JsonArray([.. plans.Select(p => (JsonNode)p.ToJson())]);
        product["keyFormat"] = KeyFormat;
        product["renewalReminderDays"] = RenewalReminderDays;
        product["developmentHosts"] = new JsonObject
        {
            ["allowed"] = DevelopmentHostsAllowed,
            ["patterns"] = Lists.Strings(DevelopmentHostPatterns),
        };
        return product;
    }
}
