using System.Text.Json.Nodes;

namespace Licensing.Management;

/// <summary>
/// The five founder metrics beside the targets a healthy licensing business aims for: validation success above 99 %,
/// active/issued above 70 %, fewer than 2 domains per license, renewals above 80 %, first validation within 24 hours.
/// </summary>
public sealed record MetricTarget(string Name, string Label, double? Value, double Target, bool HigherIsBetter, string Unit, IReadOnlyList<double?> Series)
{
    /// <summary>Met, missed, or unknown (no data yet).</summary>
    public bool? Met => Value is not { } v ? null : HigherIsBetter ? v > Target : v < Target;

    public static IReadOnlyList<MetricTarget> From(MetricsReport m)
    {
        IReadOnlyList<double?> Series(string field) =>
            m.Daily.Select(d => d[field] is JsonValue v && v.TryGetValue<double>(out var x) ? x : (double?)null).ToArray();
        static double? Number(JsonObject day, string field) => day[field] is JsonValue v && v.TryGetValue<double>(out var x) ? x : null;
        IReadOnlyList<double?> Ratio(string numerator, string denominator) =>
            m.Daily.Select(d => Number(d, numerator) is { } a && Number(d, denominator) is { } b && b > 0 ? a / b : (double?)null).ToArray();
        // A day's renewal rate as the range's: renewals / (renewals + expirations), on the days with either.
        IReadOnlyList<double?> Share(string part, string rest) =>
            m.Daily.Select(d => Number(d, part) is { } a && Number(d, rest) is { } b && a + b > 0 ? a / (a + b) : (double?)null).ToArray();
        var activeRatio = m.Licenses is { Issued: > 0 and var issued, Active: { } active } ? (double)active / issued : (double?)null;
        var hours = m.TimeToFirstValidation?.MedianSeconds / 3600;
        return
        [
            new("validationSuccessRate", "Validation success", m.ValidationSuccessRate, 0.99, true, "%", Series("validationSuccessRate")),
            new("activeRatio", "Active / issued", activeRatio, 0.70, true, "%", Ratio("active", "issued")),
            new("domainToLicenseRatio", "Domains per license", m.DomainToLicenseRatio, 2.0, false, ":1", Series("domainToLicenseRatio")),
            new("renewalRate", "Renewal rate", m.RenewalRate, 0.80, true, "%", Share("renewals", "expirations")),
            new("timeToFirstValidationHours", "Time to first validation", hours, 24, false, "h",
                Series("firstValidationMedianSeconds").Select(x => x / 3600).ToArray()),
        ];
    }

    public string Format(double? value) => value is not { } v ? "—" : Unit switch
    {
        "%" => $"{v * 100:0.#} %",
        ":1" => $"{v:0.##}:1",
        _ => $"{v:0.#} {Unit}",
    };
}
