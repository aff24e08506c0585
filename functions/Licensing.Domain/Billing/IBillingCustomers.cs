namespace Licensing.Domain.Billing;

/// <summary>
/// Customers' e-mail addresses as a provider last told them (Paddle: its transactions carry a customer id, not the
/// address, which comes from <c>customer.created|updated</c> events). A change older than the one kept is ignored.
/// </summary>
public interface IBillingCustomers
{
    Task RecordEmailAsync(string accountId, ProviderRef customer, string email, DateTimeOffset at, CancellationToken ct);

    Task<string?> GetEmailAsync(string accountId, ProviderRef customer, CancellationToken ct);
}
