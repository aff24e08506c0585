namespace Licensing.Domain.Billing;

/// <summary>A verified Stripe event as kept in the inbox (raw body, so nothing is lost or re-interpreted).</summary>
public sealed record StripeEventRecord
{
    public required string AccountId { get; init; }
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required byte[] Body { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
    public string? Outcome { get; init; }
    public string? Version { get; init; }
}
