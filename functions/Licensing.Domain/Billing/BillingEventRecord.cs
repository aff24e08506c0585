namespace Licensing.Domain.Billing;

/// <summary>
/// A verified payment-provider event as kept in the inbox (raw body, so nothing is lost or re-interpreted), keyed by
/// account, provider and the provider's event id (<see cref="Key"/>).
/// </summary>
public sealed record BillingEventRecord
{
    public required string AccountId { get; init; }
    public BillingProvider Provider { get; init; } = BillingProvider.Stripe;
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required byte[] Body { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
    public string? Outcome { get; init; }
    public string? Version { get; init; }

    /// <summary>The event as a provider object: its <see cref="ProviderRef.LinkKey"/> keys the inbox and failure rows.</summary>
    public ProviderRef Key => new(Provider, EventId);

    public ProviderEvent ToProviderEvent() => new(AccountId, EventId, Type, Created, Body);
}
