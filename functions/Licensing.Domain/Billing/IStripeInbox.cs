namespace Licensing.Domain.Billing;

public interface IStripeInbox
{
    /// <summary>Stores the event; false when it was already stored (a redelivery).</summary>
    Task<bool> AddAsync(StripeEventRecord record, CancellationToken ct);

    Task<StripeEventRecord?> GetAsync(string accountId, string eventId, CancellationToken ct);

    Task MarkProcessedAsync(StripeEventRecord record, string outcome, DateTimeOffset at, CancellationToken ct);

    /// <summary>Clears the processed mark so a replay runs the event again.</summary>
    Task ReopenAsync(string accountId, string eventId, CancellationToken ct);
}
