namespace Licensing.Domain.Billing;

/// <summary>Why processing of one provider event gave up; <see cref="Event"/> names the provider and its event id.</summary>
public sealed record BillingFailure(string AccountId, ProviderRef Event, string Type, string Reason, long Attempts, DateTimeOffset FailedAt);

public interface IBillingFailures
{
    Task UpsertAsync(BillingFailure failure, CancellationToken ct);

    /// <summary>The account's failures of one provider.</summary>
    Task<IReadOnlyList<BillingFailure>> ListAsync(string accountId, BillingProvider provider, CancellationToken ct);

    Task<BillingFailure?> GetAsync(string accountId, ProviderRef evt, CancellationToken ct);

    Task DeleteAsync(string accountId, ProviderRef evt, CancellationToken ct);
}
