using Licensing.Domain.Common;

namespace Licensing.Domain.Products;

/// <summary>The body of <c>PUT /v1/products/{id}</c> as parsed from JSON, before validation.</summary>
public sealed record ProductInput(string? Name, IReadOnlyList<PlanInput?>? Plans, DevelopmentHostsInput? DevelopmentHosts = null,
    IReadOnlyDictionary<string, DateTimeOffset>? Releases = null, int? RenewalReminderDays = null, string? KeyFormat = null);

public sealed record DevelopmentHostsInput(bool? Allowed, IReadOnlyList<string?>? Patterns);

public sealed record PlanInput(string? Id, string? Name, string? Model, int? DurationDays, int? MaxActivations, IReadOnlyList<string?>? Features,
    bool? AutoActivate = null, int? RevalidateAfterHours = null, int? OfflineGraceHours = null, int? MaxDeactivationsPer30Days = null,
    bool? AutoSuspendOnSharing = null, IReadOnlyList<string?>? StripePriceIds = null,
    int? MaxStackedCodes = null, int? UpdatesDays = null, long? UsageLimit = null, string? UsagePeriod = null, int? MaxDevelopmentHosts = null,
    IReadOnlyList<string?>? LemonSqueezyVariantIds = null, IReadOnlyList<string?>? PaddlePriceIds = null, IReadOnlyList<string?>? GumroadProductIds = null,
    int? TrialDays = null)
{
    public IReadOnlyList<int>? AppsumoTiers { get; init; }
}


public static class ProductRules
{
    public const int MaxDurationDays = 36500;
    public const int MaxActivationsLimit = 1_000_000;
    public const int MaxAppsumoTier = 100;

    /// <summary>Validates every field at once and returns the plans, or throws <see cref="ValidationFailedException"/>.</summary>
    public const int MaxRevalidateAfterHours = 24 * 30;
    public const int MaxOfflineGraceHours = 24 * 90;
    public const int MaxDevelopmentPatterns = 50;
    public const int MaxDevelopmentHostsLimit = 100;
    public const int MaxReleases = 500;
    public const int MaxVersionLength = 64;
    public const int MaxTrialDays = 365;

    /// <summary>
    /// Stored budgets (<see cref="StorageLimits"/>) of a product entity, together under 1 MiB. A product body is at most
    /// 64 KiB, which stored with the worst characters (a 4-byte UTF-8 character becomes 12 escaped characters) is under
    /// 200,000 characters, plus each plan's policy: both budgets hold any body the API accepts.
    /// </summary>
    public const int MaxPlansStoredChunks = 8;
    public const int MaxReleasesStoredChunks = 7;

    public sealed record Validated(string Name, IReadOnlyList<Plan> Plans, DevelopmentHostPolicy DevelopmentHosts,
        IReadOnlyDictionary<string, DateTimeOffset> Releases, int? RenewalReminderDays)
    {
        public KeyFormat KeyFormat { get; init; }
    }

    public static Validated Validate(string productId, ProductInput input)
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
        var developmentHosts = ValidateDevelopmentHosts(input.DevelopmentHosts, errors);
        var releases = input.Releases ?? new Dictionary<string, DateTimeOffset>();
        if (releases.Count > MaxReleases) errors.Add("releases", $"at most {MaxReleases} releases");
        foreach (var version in releases.Keys)
            if (version.Length is 0 or > MaxVersionLength) errors.Add("releases", $"versions are 1-{MaxVersionLength} characters");
        if (input.RenewalReminderDays is { } days && (days < 1 || days > 90)) errors.Add("renewalReminderDays", "must be 1-90");
        var keyFormat = Naming.ParseKeyFormat(input.KeyFormat);
        if (keyFormat is null) errors.Add("keyFormat", "must be signed or short");
        errors.ThrowIfAny();
        return new Validated(name!, plans, developmentHosts, releases, input.RenewalReminderDays) { KeyFormat = keyFormat!.Value };
    }

    private static DevelopmentHostPolicy ValidateDevelopmentHosts(DevelopmentHostsInput? input, FieldErrors errors)
    {
        if (input is null) return DevelopmentHostPolicy.Default;
        var patterns = new List<string>();
        var given = input.Patterns ?? [];
        if (given.Count > MaxDevelopmentPatterns) errors.Add("developmentHosts.patterns", $"at most {MaxDevelopmentPatterns} patterns");
        for (var i = 0; i < given.Count; i++)
        {
            var pattern = Domains.HostBindings.NormalizeDevelopmentPattern(given[i]);
            if (pattern is null) errors.Add($"developmentHosts.patterns[{i}]", "must be a host name or *.suffix");
            else if (!patterns.Contains(pattern)) patterns.Add(pattern);
        }
        return new DevelopmentHostPolicy(input.Allowed ?? true, patterns);
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
        if (model == LicenseModel.Subscription && p.DurationDays is null)
        {
            errors.Add($"{at}.durationDays", "is required for a subscription plan");
            ok = false;
        }
        if (p.MaxActivations is { } m && (m < 0 || m > MaxActivationsLimit))
        {
            errors.Add($"{at}.maxActivations", $"must be null (unlimited) or 0-{MaxActivationsLimit}");
            ok = false;
        }
        var features = Naming.CheckFeatures(p.Features, $"{at}.features", errors);
        if (p.RevalidateAfterHours is { } r && (r < 1 || r > MaxRevalidateAfterHours))
        {
            errors.Add($"{at}.revalidateAfterHours", $"must be 1-{MaxRevalidateAfterHours}");
            ok = false;
        }
        if (p.OfflineGraceHours is { } g && (g < 0 || g > MaxOfflineGraceHours))
        {
            errors.Add($"{at}.offlineGraceHours", $"must be 0-{MaxOfflineGraceHours}");
            ok = false;
        }
        if (p.MaxDeactivationsPer30Days is { } md && (md < 0 || md > 1000))
        {
            errors.Add($"{at}.maxDeactivationsPer30Days", "must be 0-1000 (omit for the default)");
            ok = false;
        }
        if (p.MaxStackedCodes is { } stack && (stack < 1 || stack > 100)) { errors.Add($"{at}.maxStackedCodes", "must be 1-100"); ok = false; }
        if (p.UpdatesDays is { } ud && (ud < 1 || ud > MaxDurationDays)) { errors.Add($"{at}.updatesDays", $"must be 1-{MaxDurationDays}"); ok = false; }
        if (p.UsageLimit is { } ul && ul < 0) { errors.Add($"{at}.usageLimit", "must be 0 or more"); ok = false; }
        if (p.UsagePeriod is not (null or "month" or "day")) { errors.Add($"{at}.usagePeriod", "must be month or day"); ok = false; }
        if (p.MaxDevelopmentHosts is { } dev && (dev < 0 || dev > MaxDevelopmentHostsLimit))
        {
            errors.Add($"{at}.maxDevelopmentHosts", $"must be 0-{MaxDevelopmentHostsLimit} (omit for the default, {PlanPolicy.DefaultMaxDevelopmentHosts})");
            ok = false;
        }
        if (p.TrialDays is { } td && (td < 1 || td > MaxTrialDays))
        {
            errors.Add($"{at}.trialDays", $"must be 1-{MaxTrialDays} days, or omitted for no trial");
            ok = false;
        }
        var policy = new PlanPolicy
        {
            MaxStackedCodes = p.MaxStackedCodes ?? 1,
            UpdatesDays = p.UpdatesDays,
            UsageLimit = p.UsageLimit,
            UsagePeriod = p.UsagePeriod ?? "month",
            AutoActivate = p.AutoActivate ?? true,
            RevalidateAfterHours = p.RevalidateAfterHours ?? PlanPolicy.DefaultRevalidateAfterHours,
            OfflineGraceHours = p.OfflineGraceHours ?? PlanPolicy.DefaultOfflineGraceHours,
            MaxDeactivationsPer30Days = p.MaxDeactivationsPer30Days ?? PlanPolicy.DefaultMaxDeactivationsPer30Days,
            AutoSuspendOnSharing = p.AutoSuspendOnSharing ?? false,
            MaxDevelopmentHosts = p.MaxDevelopmentHosts ?? PlanPolicy.DefaultMaxDevelopmentHosts,
            TrialDays = p.TrialDays,
        };
        var stripe = ProviderIds(p.StripePriceIds, $"{at}.stripePriceIds", id => id.StartsWith("price_", StringComparison.Ordinal),
            "must be a Stripe price id (price_...)", errors);
        var lemon = ProviderIds(p.LemonSqueezyVariantIds, $"{at}.lemonSqueezyVariantIds", id => id.Length <= 20 && id.All(char.IsAsciiDigit),
            "must be a Lemon Squeezy variant id (digits)", errors);
        var paddle = ProviderIds(p.PaddlePriceIds, $"{at}.paddlePriceIds", id => id.StartsWith("pri_", StringComparison.Ordinal),
            "must be a Paddle price id (pri_...)", errors);
        var gumroad = ProviderIds(p.GumroadProductIds, $"{at}.gumroadProductIds", id => !id.Any(char.IsControl),
            "must be a Gumroad product id or permalink", errors);
        var tiers = p.AppsumoTiers ?? [];
        if (tiers.Any(t => t is < 1 or > MaxAppsumoTier))
        {
            errors.Add($"{at}.appsumoTiers", $"must be AppSumo tier numbers, 1-{MaxAppsumoTier}");
            ok = false;
        }
        return ok && stripe is not null && lemon is not null && paddle is not null && gumroad is not null
            ? new Plan(p.Id!, name!, model!.Value, p.DurationDays, p.MaxActivations, features, policy)
            {
                StripePriceIds = stripe,
                LemonSqueezyVariantIds = lemon,
                PaddlePriceIds = paddle,
                GumroadProductIds = gumroad,
                AppsumoTiers = tiers.Distinct().Order().ToArray(),
            }
            : null;
    }

    /// <summary>A plan's list of one provider's product or price ids: each 1-255 characters and of the provider's shape; null when any is not.</summary>
    private static string[]? ProviderIds(IReadOnlyList<string?>? ids, string field, Func<string, bool> shape, string message, FieldErrors errors)
    {
        var ok = true;
        for (var i = 0; i < (ids?.Count ?? 0); i++)
            if (ids![i] is not { Length: > 0 and <= 255 } id || !shape(id))
            {
                errors.Add($"{field}[{i}]", message);
                ok = false;
            }
        return ok ? (ids ?? []).OfType<string>().Distinct().ToArray() : null;
    }
}
