namespace Licensing.Domain.Deals;

public sealed record CodeRecord
{
    public required string Hash { get; init; }
    public required string AccountId { get; init; }
    public required string ProductId { get; init; }
    public required string Plan { get; init; }
    public required string BatchId { get; init; }
    public string State { get; init; } = Available;
    public string? Email { get; init; }
    public string? LicenseId { get; init; }
    public DateTimeOffset? RedeemedAt { get; init; }
    public string? Version { get; init; }

    public const string Available = "available";
    public const string Redeeming = "redeeming";
    public const string Redeemed = "redeemed";
    public const string Refunded = "refunded";
}
