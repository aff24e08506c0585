namespace Licensing.Domain.Quotas;

/// <summary>An account's plan with this service. docs/quotas.md.</summary>
public sealed record Tier(string Name, int? MaxLicenses, long? MaxValidationsPerMonth)
{
    public static Tier Free { get; } = new("free", 5, 500);
    public static Tier Pro { get; } = new("pro", 1_000, 100_000);
    public static Tier Business { get; } = new("business", 25_000, 5_000_000);
    public static Tier Unlimited { get; } = new("unlimited", null, null);

    public static IReadOnlyList<Tier> All { get; } = [Free, Pro, Business, Unlimited];

    public static Tier? Parse(string? name) => All.FirstOrDefault(t => t.Name == name);
}
