using System.Text.RegularExpressions;
using Licensing.Domain.Common;

namespace Licensing.Domain.Products;

/// <summary>The license models (docs/license-models.md); the wire names are the lower-case forms.</summary>
public enum LicenseModel { Perpetual, Subscription, Lifetime, Seat, Usage }

/// <summary>
/// How a plan's licenses behave at run time (docs/activations.md). Read from the product when a license is
/// validated, so a change applies to licenses already sold.
/// </summary>
public sealed record PlanPolicy
{
    public const int DefaultRevalidateAfterHours = 72;
    public const int DefaultOfflineGraceHours = 168;
    public const int DefaultMaxDeactivationsPer30Days = 5;
    public const int DefaultMaxDevelopmentHosts = 10;

    public static PlanPolicy Default { get; } = new();

    /// <summary>Validation from a new domain or machine takes a free slot (true by default).</summary>
    public bool AutoActivate { get; init; } = true;

    /// <summary>How long a VALID verdict (and its certificate) is trusted before the client asks again.</summary>
    public int RevalidateAfterHours { get; init; } = DefaultRevalidateAfterHours;

    /// <summary>How long past <see cref="RevalidateAfterHours"/> a certificate keeps working offline.</summary>
    public int OfflineGraceHours { get; init; } = DefaultOfflineGraceHours;

    /// <summary>Self-service deactivations allowed per license in any 30 days (null: unlimited).</summary>
    public int? MaxDeactivationsPer30Days { get; init; } = DefaultMaxDeactivationsPer30Days;

    /// <summary>Distinct development hosts a license may use free of a slot in any 30 days (docs/activations.md).</summary>
    public int MaxDevelopmentHosts { get; init; } = DefaultMaxDevelopmentHosts;

    /// <summary>Suspend a license automatically when the sharing signal fires.</summary>
    public bool AutoSuspendOnSharing { get; init; }

    /// <summary>Lifetime deals: how many codes one customer can stack on one license (each adds the plan's activations).</summary>
    public int MaxStackedCodes { get; init; } = 1;

    /// <summary>Perpetual plans: days of updates included from issuance (null: all updates, forever).</summary>
    public int? UpdatesDays { get; init; }

    /// <summary>Usage plans: units allowed per period (null: unmetered).</summary>
    public long? UsageLimit { get; init; }

    /// <summary>Usage plans: the period the limit resets on, "month" (default) or "day".</summary>
    public string UsagePeriod { get; init; } = "month";

    /// <summary>Days a trial of this plan lasts (<c>POST /v1/trials</c>, docs/trials.md); null: the plan offers no trial.</summary>
    public int? TrialDays { get; init; }
}

/// <summary>
/// Per product: whether development and staging hosts are free, and extra patterns that count as such; per plan, how
/// many distinct ones a license may use in 30 days (<see cref="MaxHosts"/>, set from the plan by <see cref="ProductCache.Policies"/>).
/// </summary>
public sealed record DevelopmentHostPolicy(bool Allowed, IReadOnlyList<string> Patterns)
{
    public static DevelopmentHostPolicy Default { get; } = new(true, []);

    public int MaxHosts { get; init; } = PlanPolicy.DefaultMaxDevelopmentHosts;
}

public sealed record Plan(
    string Id,
    string Name,
    LicenseModel Model,
    int? DurationDays,
    int? MaxActivations,
    IReadOnlyList<string> Features,
    PlanPolicy Policy)
{
    /// <summary>Stripe price ids that provision this plan when a checkout carries no productId/plan metadata.</summary>
    public IReadOnlyList<string> StripePriceIds { get; init; } = [];

    /// <summary>Lemon Squeezy variant ids (an order's <c>first_order_item.variant_id</c>) that provision this plan.</summary>
    public IReadOnlyList<string> LemonSqueezyVariantIds { get; init; } = [];

    /// <summary>Paddle Billing price ids (<c>pri_…</c>) that provision this plan.</summary>
    public IReadOnlyList<string> PaddlePriceIds { get; init; } = [];

    /// <summary>Gumroad product ids or permalinks that provision this plan.</summary>
    public IReadOnlyList<string> GumroadProductIds { get; init; } = [];

    /// <summary>AppSumo tiers (the webhook's <c>tier</c>, 1, 2, 3…) this plan stands for (docs/providers/appsumo.md).</summary>
    public IReadOnlyList<int> AppsumoTiers { get; init; } = [];

    /// <summary>When a license issued now on this plan expires, unless the request names a date.</summary>
    public DateTimeOffset? DefaultExpiry(DateTimeOffset now) =>
        Model is LicenseModel.Perpetual or LicenseModel.Lifetime || DurationDays is null ? null : now.AddDays(DurationDays.Value);
}

/// <summary>The <c>keyFormat</c> of a product; the wire names are the lower-case forms.</summary>
public enum KeyFormat { Signed, Short }

public sealed record Product(string AccountId, string Id, string Name, IReadOnlyList<Plan> Plans, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DevelopmentHostPolicy DevelopmentHosts)
{
    /// <summary>Optional release dates by version, so validation can be asked about a version (perpetual updates).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Releases { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>Days before expiry to e-mail a renewal reminder (null: no reminders).</summary>
    public int? RenewalReminderDays { get; init; }

    /// <summary>What kind of key new licenses get (docs/license-keys.md): signed (default) or short, for people to type.</summary>
    public KeyFormat KeyFormat { get; init; }

    public Plan? FindPlan(string id) => Plans.FirstOrDefault(p => p.Id == id);
}

/// <summary>Rules for product, plan and feature names; one copy used by every endpoint.</summary>
public static partial class Naming
{
    public const int MaxNameLength = 200;
    public const int MaxPlans = 50;
    public const int MaxFeatures = 100;

    /// <summary>
    /// productId and plan ids: 1–64 chars of [a-z0-9-] (docs/openapi.yaml). Patterns end in <c>\z</c>: <c>$</c> would let a
    /// trailing newline through.
    /// </summary>
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

    public static string ToWire(this KeyFormat format) => format.ToString().ToLowerInvariant();

    /// <summary><c>signed</c> (also when omitted) or <c>short</c>; null for anything else.</summary>
    public static KeyFormat? ParseKeyFormat(string? value) => value switch
    {
        null or "signed" => KeyFormat.Signed,
        "short" => KeyFormat.Short,
        _ => null,
    };

    /// <summary>Validates a feature list into <paramref name="errors"/>; returns it de-duplicated in order.</summary>
    public static IReadOnlyList<string> CheckFeatures(IReadOnlyList<string?>? features, string field, FieldErrors errors)
    {
        if (features is null) return [];
        if (features.Count > MaxFeatures) errors.Add(field, $"at most {MaxFeatures} features");
        for (var i = 0; i < features.Count; i++)
            if (!IsFeature(features[i])) errors.Add($"{field}[{i}]", "a feature is 1-64 characters of letters, digits, '-', '_', '.' or ':'");
        return features.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
    }

    [GeneratedRegex(@"^[a-z0-9-]{1,64}\z")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,64}\z")]
    private static partial Regex FeaturePattern();
}
