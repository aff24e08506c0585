namespace Licensing.Domain.Billing;

/// <summary>
/// Every provider's verified events, keyed by account and <see cref="ProviderRef.LinkKey"/> of the event (Stripe's
/// event ids bare, as they always were; other providers' prefixed), so a redelivery finds its record.
/// </summary>
public interface IBillingInbox
{
    /// <summary>Stores the event; false when it was already stored (a redelivery).</summary>
    Task<bool> AddAsync(BillingEventRecord record, CancellationToken ct);

    Task<BillingEventRecord?> GetAsync(string accountId, ProviderRef evt, CancellationToken ct);

    Task MarkProcessedAsync(BillingEventRecord record, string outcome, DateTimeOffset at, CancellationToken ct);

    /// <summary>Clears the processed mark so a replay runs the event again.</summary>
    Task ReopenAsync(string accountId, ProviderRef evt, CancellationToken ct);
}
