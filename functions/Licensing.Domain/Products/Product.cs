using System.Text.RegularExpressions;
using Licensing.Domain.Common;

namespace Licensing.Domain.Products;

/// <summary>The license models of API.md; the wire names are the lower-case forms.</summary>
public enum LicenseModel { Perpetual, Subscription, Lifetime, Seat, Usage }

public sealed record Plan(
    string Id,
    string Name,
    LicenseModel Model,
    int? DurationDays,
    int? MaxActivations,
    IReadOnlyList<string> Features)
{
    /// <summary>When a license issued now on this plan expires, unless the request names a date.</summary>
    public DateTimeOffset? DefaultExpiry(DateTimeOffset now) =>
        Model is LicenseModel.Perpetual or LicenseModel.Lifetime || DurationDays is null ? null : now.AddDays(DurationDays.Value);
}

public sealed record Product(string AccountId, string Id, string Name, IReadOnlyList<Plan> Plans, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public Plan? FindPlan(string id) => Plans.FirstOrDefault(p => p.Id == id);
}

/// <summary>Rules for product, plan and feature names; one copy used by every endpoint.</summary>
public static partial class Naming
{
    public const int MaxNameLength = 200;
    public const int MaxPlans = 50;
    public const int MaxFeatures = 100;

    /// <summary>productId and plan ids: 1–64 chars of [a-z0-9-] (API.md).</summary>
    public static bool IsSlug(string? value) => value is not null && SlugPattern().IsMatch(value);

    /// <summary>Feature names: 1–64 chars of letters, digits and <c>-_.:</c>.</summary>
    public static bool IsFeature(string? value) => value is not null && FeaturePattern().IsMatch(value);

    public static LicenseModel? ParseModel(string? value) => value switch
    {
        "perpetual" => LicenseModel.Perpetual,
        "subscription" => LicenseModel.Subscription,
        "lifetime" => LicenseModel.Lifetime,
        "seat" => LicenseModel.Seat,
        "usage" => LicenseModel.Usage,
        _ => null,
    };

    public static string ToWire(this LicenseModel model) => model.ToString().ToLowerInvariant();

    /// <summary>Validates a feature list into <paramref name="errors"/>; returns it de-duplicated in order.</summary>
    public static IReadOnlyList<string> CheckFeatures(IReadOnlyList<string?>? features, string field, FieldErrors errors)
    {
        if (features is null) return [];
        if (features.Count > MaxFeatures) errors.Add(field, $"at most {MaxFeatures} features");
        for (var i = 0; i < features.Count; i++)
            if (!IsFeature(features[i])) errors.Add($"{field}[{i}]", "a feature is 1-64 characters of letters, digits, '-', '_', '.' or ':'");
        return features.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex FeaturePattern();
}
