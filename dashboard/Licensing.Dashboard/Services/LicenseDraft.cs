using System.Globalization;
using System.Text.Json.Nodes;
using Licensing.Management;

namespace Licensing.Dashboard.Services;

/// <summary>
/// The license editor's fields, and the <c>PATCH /v1/licenses/{id}</c> body they make: only the fields the founder
/// changed, so a concurrent change of another field is never overwritten with what the page showed.
/// </summary>
public sealed class LicenseDraft
{
    public string CustomerEmail { get; set; } = "";
    public string Plan { get; set; } = "";
    public string Features { get; set; } = "";
    /// <summary>Blank = unlimited.</summary>
    public string MaxActivations { get; set; } = "";
    /// <summary>Null = never expires.</summary>
    public DateOnly? ExpiresOn { get; set; }

    public static LicenseDraft From(License l) => new()
    {
        CustomerEmail = l.CustomerEmail ?? "",
        Plan = l.Plan,
        Features = string.Join(", ", l.Features),
        MaxActivations = l.MaxActivations?.ToString(CultureInfo.InvariantCulture) ?? "",
        ExpiresOn = l.ExpiresAt is { } e ? DateOnly.FromDateTime(e.UtcDateTime) : null,
    };

    /// <summary>The changed fields; a slot limit that is not a whole number is left to the API to refuse in words.</summary>
    public JsonObject Changes(License original)
    {
        var before = From(original);
        var changes = new JsonObject();
        if (CustomerEmail.Trim() != before.CustomerEmail) changes["customerEmail"] = CustomerEmail.Trim();
        if (Plan.Trim() != before.Plan) changes["plan"] = Plan.Trim();
        var features = Split(Features);
        if (!features.SequenceEqual(Split(before.Features))) changes["features"] = new JsonArray([.. features.Select(f => (JsonNode)JsonValue.Create(f)!)]);
        if (MaxActivations.Trim() != before.MaxActivations)
            changes["maxActivations"] = MaxActivations.Trim() is "" ? null
                : int.TryParse(MaxActivations.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max
                : JsonValue.Create(MaxActivations.Trim());
        if (ExpiresOn != before.ExpiresOn)
            changes["expiresAt"] = ExpiresOn is { } d ? d.ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture) : null;
        return changes;
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
