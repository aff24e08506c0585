namespace Licensing.Domain.Billing;

/// <summary>Which license a provider object (checkout, order, subscription, payment) belongs to, keyed by <see cref="ProviderRef.LinkKey"/>.</summary>
public interface IBillingLinks
{
    Task UpsertAsync(string accountId, string linkKey, string licenseId, CancellationToken ct);

    Task<string?> GetAsync(string accountId, string linkKey, CancellationToken ct);
}
