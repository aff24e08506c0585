using System.Globalization;
using Licensing.Management;

namespace Licensing.Cli.Import;

/// <summary>
/// How one product's export maps onto an import item: which header holds each field (matched without regard to case,
/// spaces or underscores; several names are accepted because exports differ between versions), how its statuses
/// read, and what the plan comes from. docs/migrating.md lists the mappings.
/// </summary>
public sealed record ImportSource(
    string Name,
    string[] Key,
    string[] Email,
    string[] Status,
    string[] Expires,
    string[] Limit,
    string[] Domains,
    string[] PlanFrom,
    Func<string, string?> MapStatus,
    bool ZeroLimitIsUnlimited = false,
    string[]? Refunded = null,
    string[]? Disputed = null,
    string[]? Cancelled = null)
{
    public static ImportSource Edd { get; } = new("edd",
        Key: ["license_key", "key", "license"], Email: ["email", "customer_email", "user_email"], Status: ["status"],
        Expires: ["expiration", "expires", "expiration_date"], Limit: ["activation_limit", "limit", "license_limit"],
        Domains: ["sites", "activated_sites", "site_urls"], PlanFrom: ["price_id", "download", "download_name", "product", "item_name", "download_id"],
        MapStatus: s => s switch { "active" or "inactive" or "site_inactive" => "active", "expired" => "expired", "disabled" => "revoked", _ => null },
        ZeroLimitIsUnlimited: true);

    public static ImportSource LemonSqueezy { get; } = new("lemonsqueezy",
        Key: ["key", "license_key"], Email: ["customer_email", "user_email", "email"], Status: ["status"],
        Expires: ["expires_at", "expires"], Limit: ["activation_limit", "limit"], Domains: [],
        PlanFrom: ["variant_id", "variant_name", "variant", "product_name", "product_id"],
        MapStatus: s => s switch { "active" or "inactive" => "active", "expired" => "expired", "disabled" => "revoked", _ => null });

    public static ImportSource Gumroad { get; } = new("gumroad",
        Key: ["license_key"], Email: ["purchase_email", "email", "buyer_email"], Status: [], Expires: [], Limit: [], Domains: [],
        PlanFrom: ["product_id", "product_permalink", "product_name", "item_name", "variants"],
        MapStatus: _ => "active", Refunded: ["refunded?", "refunded"], Disputed: ["disputed?", "disputed"],
        Cancelled: ["subscription_cancelled?", "subscription_ended?"]);

    public static ImportSource Freemius { get; } = new("freemius",
        Key: ["secret_key", "license_key", "key"], Email: ["user_email", "email"], Status: [], Expires: ["expiration", "expires_at"],
        Limit: ["quota", "activations_limit"], Domains: [], PlanFrom: ["plan_id", "plan_name", "plan", "pricing_id"],
        MapStatus: _ => "active", Cancelled: ["is_cancelled"]);

    public static ImportSource Keygen { get; } = new("keygen",
        Key: ["key"], Email: ["email", "user_email", "owner_email"], Status: ["status"], Expires: ["expiry", "expires_at"],
        Limit: ["max_machines", "maxmachines"], Domains: [], PlanFrom: ["policy", "policy_id", "policy_name"],
        MapStatus: s => s switch
        {
            "active" or "inactive" or "expiring" => "active",
            "expired" => "expired",
            "suspended" => "suspended",
            "banned" => "revoked",
            _ => null,
        });

    public static IReadOnlyList<ImportSource> All { get; } = [Edd, LemonSqueezy, Gumroad, Freemius, Keygen];

    public static ImportSource? Find(string name) => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Turns the rows of one export into import items, or a reason a row cannot be imported.</summary>
public sealed class RowMapper(ImportSource source, string[] header, string? defaultPlan, IReadOnlyDictionary<string, string> planMap)
{
    private readonly Dictionary<string, int> _columns = header.Select((h, i) => (Name: Normalize(h), i))
        .GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);

    /// <summary>The key column must exist, or no row can be read: checked once, before anything is sent.</summary>
    public string? MissingColumns() =>
        Column(source.Key) is null ? $"no license key column (expected one of: {string.Join(", ", source.Key)})" : null;

    public (ImportItem? Item, string? Error) Map(string[] row)
    {
        var key = Cell(row, source.Key);
        if (string.IsNullOrWhiteSpace(key)) return (null, "the license key is empty");
        var planValue = Cell(row, source.PlanFrom);
        string? plan = planValue is not null && planMap.TryGetValue(planValue, out var mapped) ? mapped : defaultPlan;
        if (plan is null) return (null, planValue is null ? "no plan: pass --plan or --map" : $"no plan for '{planValue}': add --map \"{planValue}=<plan>\"");

        var rawStatus = Cell(row, source.Status)?.Trim().ToLowerInvariant();
        var status = rawStatus is null or "" ? "active" : source.MapStatus(rawStatus);
        if (status is null) return (null, $"unknown status '{rawStatus}'");
        if (Flag(row, source.Refunded)) status = "revoked";
        else if (Flag(row, source.Disputed)) status = "suspended";
        else if (Flag(row, source.Cancelled)) status = "revoked";

        DateTimeOffset? expires = null;
        if (Cell(row, source.Expires) is { Length: > 0 } e && !IsNever(e))
        {
            if (long.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)) expires = DateTimeOffset.FromUnixTimeSeconds(unix);
            else if (DateTimeOffset.TryParse(e, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
                expires = at;
            else return (null, $"expiry '{e}' is not a date");
        }
        int? limit = null;
        if (Cell(row, source.Limit) is { Length: > 0 } l && l.Trim().ToLowerInvariant() is not ("unlimited" or "null"))
        {
            if (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return (null, $"activation limit '{l}' is not a number");
            limit = n == 0 && source.ZeroLimitIsUnlimited ? null : n;
        }
        var domains = Cell(row, source.Domains)?.Split([',', '|', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (new ImportItem
        {
            Key = key.Trim(),
            CustomerEmail = Cell(row, source.Email)?.Trim() is { Length: > 0 } email ? email : null,
            Plan = plan,
            Status = status,
            ExpiresAt = expires,
            MaxActivations = limit,
            Domains = domains is { Length: > 0 } ? domains : null,
            Metadata = new Dictionary<string, string> { ["importedFrom"] = source.Name },
        }, null);
    }

    private int? Column(string[] names) => names.Select(n => _columns.TryGetValue(Normalize(n), out var i) ? i : (int?)null).FirstOrDefault(i => i is not null);

    private string? Cell(string[] row, string[] names) => Column(names) is { } i && i < row.Length ? row[i] : null;

    private bool Flag(string[] row, string[]? names) =>
        names is not null && Cell(row, names)?.Trim().ToLowerInvariant() is "true" or "yes" or "1";

    private static bool IsNever(string value) => value.Trim().ToLowerInvariant() is "lifetime" or "never" or "0" or "unlimited" or "null";

    private static string Normalize(string header) =>
        new(header.Trim().TrimStart('\uFEFF').ToLowerInvariant().Where(c => c is not (' ' or '_' or '-')).ToArray());
}
