namespace Licensing.Domain.Portal;

/// <summary>The payment provider's own customer billing page (Stripe's customer portal), for customers the provider knows.</summary>
public interface IBillingPortal
{
    /// <summary>Whether the account connected the provider with an API key (without one no billing page can be opened).</summary>
    Task<bool> ConnectedAsync(string accountId, CancellationToken ct);

    /// <summary>A one-time billing-page URL for the provider's <paramref name="customerId"/>; null when the account is not connected.</summary>
    Task<Uri?> CreateSessionAsync(string accountId, string customerId, Uri returnUrl, CancellationToken ct);
}
