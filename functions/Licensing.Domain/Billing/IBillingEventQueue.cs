namespace Licensing.Domain.Billing;

/// <summary>
/// The slim message queued for each verified event: which account, which event, which provider (its wire name;
/// absent, as in messages queued before other providers existed, means Stripe).
/// </summary>
public sealed record BillingEventMessage(string AccountId, string EventId, string? Provider = null)
{
    public static BillingEventMessage For(string accountId, ProviderRef evt) =>
        new(accountId, evt.Id, evt.Provider == BillingProvider.Stripe ? null : evt.Provider.ToWire());

    /// <summary>The event it names; an unknown provider name is a message no retry can fix.</summary>
    public ProviderRef Event => Provider is null ? ProviderRef.Stripe(EventId)
        : BillingProviders.TryParse(Provider, out var p) ? new ProviderRef(p, EventId)
        : throw new BillingPermanentException($"unknown provider '{Provider}'");
}

public interface IBillingEventQueue
{
    Task EnqueueAsync(BillingEventMessage message, CancellationToken ct);
}
