using System.Text.Json.Nodes;

namespace Licensing.Dashboard.Services;

/// <summary>
/// A plan as the editor shows it (docs/license-models.md's words), turned to and from the API's JSON. Every setting a plan
/// has is a field here; a number left blank is sent as null, which the API reads as the documented default.
/// </summary>
public sealed class PlanDraft
{
    public static readonly string[] Models = ["subscription", "perpetual", "lifetime", "seat", "usage"];
    public static readonly string[] UsagePeriods = ["month", "day"];

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Model { get; set; } = "subscription";
    public int? DurationDays { get; set; } = 365;
    public int? MaxActivations { get; set; } = 1;
    public string Features { get; set; } = "";

    // Activations and offline use (docs/activations.md, docs/certificates.md).
    public bool AutoActivate { get; set; } = true;
    public int? RevalidateAfterHours { get; set; }
    public int? OfflineGraceHours { get; set; }
    public int? MaxDeactivationsPer30Days { get; set; }
    public int? MaxDevelopmentHosts { get; set; }
    public bool AutoSuspendOnSharing { get; set; }

    // Updates, usage, trials and lifetime deals.
    public int? UpdatesDays { get; set; }
    public long? UsageLimit { get; set; }
    public string UsagePeriod { get; set; } = "month";
    public int? TrialDays { get; set; }
    public int? MaxStackedCodes { get; set; }

    // What a provider's purchase provisions this plan (docs/providers).
    public string StripePriceIds { get; set; } = "";
    public string LemonSqueezyVariantIds { get; set; } = "";
    public string PaddlePriceIds { get; set; } = "";
    public string GumroadProductIds { get; set; } = "";
    public string AppsumoTiers { get; set; } = "";

    /// <summary>Settings of the plan this editor does not know (a newer API's), kept as they are.</summary>
    public JsonObject Rest { get; set; } = [];

    private static readonly string[] Known =
    [
        "id", "name", "model", "durationDays", "maxActivations", "features", "autoActivate", "revalidateAfterHours", "offlineGraceHours",
        "maxDeactivationsPer30Days", "maxDevelopmentHosts", "autoSuspendOnSharing", "updatesDays", "usageLimit", "usagePeriod", "trialDays",
        "maxStackedCodes", "stripePriceIds", "lemonSqueezyVariantIds", "paddlePriceIds", "gumroadProductIds", "appsumoTiers",
    ];

    public static PlanDraft From(JsonObject plan)
    {
        var rest = (JsonObject)plan.DeepClone();
        foreach (var known in Known) rest.Remove(known);
        return new PlanDraft
        {
            Id = plan["id"]?.GetValue<string>() ?? "",
            Name = plan["name"]?.GetValue<string>() ?? "",
            Model = plan["model"]?.GetValue<string>() ?? "subscription",
            DurationDays = plan["durationDays"]?.GetValue<int?>(),
            MaxActivations = plan["maxActivations"]?.GetValue<int?>(),
            Features = Lists.Join(plan["features"]),
            AutoActivate = plan["autoActivate"]?.GetValue<bool>() ?? true,
            RevalidateAfterHours = plan["revalidateAfterHours"]?.GetValue<int?>(),
            OfflineGraceHours = plan["offlineGraceHours"]?.GetValue<int?>(),
            MaxDeactivationsPer30Days = plan["maxDeactivationsPer30Days"]?.GetValue<int?>(),
            MaxDevelopmentHosts = plan["maxDevelopmentHosts"]?.GetValue<int?>(),
            AutoSuspendOnSharing = plan["autoSuspendOnSharing"]?.GetValue<bool>() ?? false,
            UpdatesDays = plan["updatesDays"]?.GetValue<int?>(),
            UsageLimit = plan["usageLimit"]?.GetValue<long?>(),
            UsagePeriod = plan["usagePeriod"]?.GetValue<string>() ?? "month",
            TrialDays = plan["trialDays"]?.GetValue<int?>(),
            MaxStackedCodes = plan["maxStackedCodes"]?.GetValue<int?>(),
            StripePriceIds = Lists.Join(plan["stripePriceIds"]),
            LemonSqueezyVariantIds = Lists.Join(plan["lemonSqueezyVariantIds"]),
            PaddlePriceIds = Lists.Join(plan["paddlePriceIds"]),
            GumroadProductIds = Lists.Join(plan["gumroadProductIds"]),
            AppsumoTiers = Lists.Join(plan["appsumoTiers"]),
            Rest = rest,
        };
    }

    /// <summary>The plan's JSON: a blank duration or slot limit is sent as null (no expiry, unlimited sites), other blanks as null (the default).</summary>
    public JsonObject ToJson()
    {
        var plan = (JsonObject)Rest.DeepClone();
        plan["id"] = Id.Trim();
        plan["name"] = Name.Trim();
        plan["model"] = Model;
        plan["durationDays"] = DurationDays;
        plan["maxActivations"] = MaxActivations;
        plan["features"] = Lists.Strings(Features);
        plan["autoActivate"] = AutoActivate;
        plan["revalidateAfterHours"] = RevalidateAfterHours;
        plan["offlineGraceHours"] = OfflineGraceHours;
        plan["maxDeactivationsPer30Days"] = MaxDeactivationsPer30Days;
        plan["maxDevelopmentHosts"] = MaxDevelopmentHosts;
        plan["autoSuspendOnSharing"] = AutoSuspendOnSharing;
        plan["updatesDays"] = UpdatesDays;
        plan["usageLimit"] = UsageLimit;
        plan["usagePeriod"] = UsagePeriod;
        plan["trialDays"] = TrialDays;
        plan["maxStackedCodes"] = MaxStackedCodes;
        plan["stripePriceIds"] = Lists.Strings(StripePriceIds);
        plan["lemonSqueezyVariantIds"] = Lists.Strings(LemonSqueezyVariantIds);
        plan["paddlePriceIds"] = Lists.Strings(PaddlePriceIds);
        plan["gumroadProductIds"] = Lists.Strings(GumroadProductIds);
        plan["appsumoTiers"] = Lists.Numbers(AppsumoTiers);
        return plan;
    }
}

/// <summary>Lists typed as comma- or line-separated text, to and from JSON arrays.</summary>
public static class Lists
{
    private static readonly char[] Separators = [',', '\n', '\r'];

    public static string Join(JsonNode? array) =>
        string.Join(", ", array is JsonArray a ? a.Select(v => v?.ToString()).Where(v => !string.IsNullOrEmpty(v)) : []);

    public static JsonArray Strings(string text) =>
        new([.. Items(text).Select(s => (JsonNode)JsonValue.Create(s)!)]);

    /// <summary>Whole numbers as numbers; anything else is sent as typed, so the API names the field that is wrong.</summary>
    public static JsonArray Numbers(string text) =>
        new([.. Items(text).Select(s => (JsonNode)(int.TryParse(s, out var n) ? JsonValue.Create(n) : JsonValue.Create(s))!)]);

    private static IEnumerable<string> Items(string text) =>
        text.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
