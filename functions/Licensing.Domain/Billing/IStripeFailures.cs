namespace Licensing.Domain.Billing;

public sealed record StripeFailure(string AccountId, string EventId, string Type, string Reason, long Attempts, DateTimeOffset FailedAt);

public interface IStripeFailures
{
    Task UpsertAsync(StripeFailure failure, CancellationToken ct);

    Task<IReadOnlyList<StripeFailure>> ListAsync(string accountId, CancellationToken ct);

    Task<StripeFailure?> GetAsync(string accountId, string eventId, CancellationToken ct);

    Task DeleteAsync(string accountId, string eventId, CancellationToken ct);
}
