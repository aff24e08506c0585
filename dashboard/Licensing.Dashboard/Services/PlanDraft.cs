using System.Text.Json.Nodes;

namespace Licensing.Dashboard.Services;

/// <summary>A plan as the editor shows it (docs/license-models.md's words), turned to and from the API's JSON.</summary>
public sealed class PlanDraft
{
    public static readonly string[] Models = ["subscription", "perpetual", "lifetime", "seat", "usage"];

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Model { get; set; } = "subscription";
    public int? DurationDays { get; set; } = 365;
    public int? MaxActivations { get; set; } = 1;
    public string Features { get; set; } = "";

    /// <summary>The settings of the plan this editor does not show (provider mappings, trials…), kept as they are.</summary>
    public JsonObject Rest { get; set; } = [];

    public static PlanDraft From(JsonObject plan)
    {
        var rest = (JsonObject)plan.DeepClone();
        foreach (var known in new[] { "id", "name", "model", "durationDays", "maxActivations", "features" }) rest.Remove(known);
        return new PlanDraft
        {
            Id = plan["id"]?.GetValue<string>() ?? "",
            Name = plan["name"]?.GetValue<string>() ?? "",
            Model = plan["model"]?.GetValue<string>() ?? "subscription",
            DurationDays = plan["durationDays"]?.GetValue<int?>(),
            MaxActivations = plan["maxActivations"]?.GetValue<int?>(),
            Features = string.Join(", ", plan["features"]?.AsArray().Select(f => f?.GetValue<string>()) ?? []),
            Rest = rest,
        };
    }

    /// <summary>The plan's JSON: a blank duration or slot limit is sent as null (no expiry, unlimited sites).</summary>
    public JsonObject ToJson()
    {
        var plan = (JsonObject)Rest.DeepClone();
        plan["id"] = Id.Trim();
        plan["name"] = Name.Trim();
        plan["model"] = Model;
        plan["durationDays"] = DurationDays;
        plan["maxActivations"] = MaxActivations;
        plan["features"] = new JsonArray(Features.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
        return plan;
    }
}
