namespace Licensing.Domain.Billing;

/// <summary>Which license a Stripe object (checkout session, subscription, payment intent) belongs to.</summary>
public interface IStripeLinks
{
    Task UpsertAsync(string accountId, string stripeObjectId, string licenseId, CancellationToken ct);

    Task<string?> GetAsync(string accountId, string stripeObjectId, CancellationToken ct);
}
