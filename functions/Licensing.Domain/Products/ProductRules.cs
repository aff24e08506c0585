using Licensing.Domain.Common;

namespace Licensing.Domain.Products;

/// <summary>The body of <c>PUT /v1/products/{id}</c> as parsed from JSON, before validation.</summary>
public sealed record ProductInput(string? Name, IReadOnlyList<PlanInput?>? Plans);

public sealed record PlanInput(string? Id, string? Name, string? Model, int? DurationDays, int? MaxActivations, IReadOnlyList<string?>? Features);

public static class ProductRules
{
    public const int MaxDurationDays = 36500;
    public const int MaxActivationsLimit = 1_000_000;

    /// <summary>Validates every field at once and returns the plans, or throws <see cref="ValidationFailedException"/>.</summary>
    public static (string Name, IReadOnlyList<Plan> Plans) Validate(string productId, ProductInput input)
    {
        var errors = new FieldErrors();
        if (!Naming.IsSlug(productId)) errors.Add("productId", "must be 1-64 characters of a-z, 0-9 and '-'");
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add("name", "is required");
        else if (name.Length > Naming.MaxNameLength) errors.Add("name", $"at most {Naming.MaxNameLength} characters");

        var plans = new List<Plan>();
        if (input.Plans is null || input.Plans.Count == 0) errors.Add("plans", "at least one plan is required");
        else if (input.Plans.Count > Naming.MaxPlans) errors.Add("plans", $"at most {Naming.MaxPlans} plans");
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < input.Plans.Count; i++)
            {
                var plan = ValidatePlan(input.Plans[i], $"plans[{i}]", errors);
                if (plan is null) continue;
                if (!seen.Add(plan.Id)) errors.Add($"plans[{i}].id", $"duplicate plan id '{plan.Id}'");
                plans.Add(plan);
            }
        }
        errors.ThrowIfAny();
        return (name!, plans);
    }

    private static Plan? ValidatePlan(PlanInput? p, string at, FieldErrors errors)
    {
        if (p is null) { errors.Add(at, "must be an object"); return null; }
        var ok = true;
        if (!Naming.IsSlug(p.Id)) { errors.Add($"{at}.id", "must be 1-64 characters of a-z, 0-9 and '-'"); ok = false; }
        var name = string.IsNullOrWhiteSpace(p.Name) ? p.Id : p.Name.Trim();
        if (name is { Length: > Naming.MaxNameLength }) { errors.Add($"{at}.name", $"at most {Naming.MaxNameLength} characters"); ok = false; }
        var model = Naming.ParseModel(p.Model);
        if (model is null) { errors.Add($"{at}.model", "must be one of perpetual, subscription, lifetime, seat, usage"); ok = false; }
        if (p.DurationDays is { } d && (d < 1 || d > MaxDurationDays)) { errors.Add($"{at}.durationDays", $"must be 1-{MaxDurationDays}"); ok = false; }
        if (model == LicenseModel.Subscription && p.DurationDays is null) { errors.Add($"{at}.durationDays", "is required for a subscription plan"); ok = false; }
        if (p.MaxActivations is { } m && (m < 0 || m > MaxActivationsLimit)) { errors.Add($"{at}.maxActivations", $"must be null (unlimited) or 0-{MaxActivationsLimit}"); ok = false; }
        var features = Naming.CheckFeatures(p.Features, $"{at}.features", errors);
        return ok ? new Plan(p.Id!, name!, model!.Value, p.DurationDays, p.MaxActivations, features) : null;
    }
}
