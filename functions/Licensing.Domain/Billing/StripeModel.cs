namespace Licensing.Domain.Billing;

/// <summary>A verified Stripe event as kept in the inbox (raw body, so nothing is lost or re-interpreted).</summary>
public sealed record StripeEventRecord
{
    public required string AccountId { get; init; }
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required byte[] Body { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
    public string? Outcome { get; init; }
    public string? Version { get; init; }
}

public interface IStripeInbox
{
    /// <summary>Stores the event; false when it was already stored (a redelivery).</summary>
    Task<bool> AddAsync(StripeEventRecord record, CancellationToken ct);

    Task<StripeEventRecord?> GetAsync(string accountId, string eventId, CancellationToken ct);

    Task MarkProcessedAsync(StripeEventRecord record, string outcome, DateTimeOffset at, CancellationToken ct);

    /// <summary>Clears the processed mark so a replay runs the event again.</summary>
    Task ReopenAsync(string accountId, string eventId, CancellationToken ct);
}

/// <summary>The slim message queued for each verified event: which account, which event.</summary>
public sealed record StripeEventMessage(string AccountId, string EventId);

public interface IStripeEventQueue
{
    Task EnqueueAsync(StripeEventMessage message, CancellationToken ct);
}

/// <summary>Which license a Stripe object (checkout session, subscription, payment intent) belongs to.</summary>
public interface IStripeLinks
{
    Task UpsertAsync(string accountId, string stripeObjectId, string licenseId, CancellationToken ct);

    Task<string?> GetAsync(string accountId, string stripeObjectId, CancellationToken ct);
}

public sealed record StripeFailure(string AccountId, string EventId, string Type, string Reason, long Attempts, DateTimeOffset FailedAt);

public interface IStripeFailures
{
    Task UpsertAsync(StripeFailure failure, CancellationToken ct);

    Task<IReadOnlyList<StripeFailure>> ListAsync(string accountId, CancellationToken ct);

    Task<StripeFailure?> GetAsync(string accountId, string eventId, CancellationToken ct);

    Task DeleteAsync(string accountId, string eventId, CancellationToken ct);
}

/// <summary>Where an account's Stripe secrets live: Key Vault secrets in Azure, a protected local store locally.</summary>
public interface ISecretStore
{
    Task UpsertAsync(string name, string value, CancellationToken ct);

    /// <summary>The secret, or null when it was never set.</summary>
    Task<string?> GetAsync(string name, CancellationToken ct);
}

public static class StripeSecrets
{
    public static string WebhookSecretName(string accountId) => $"stripe-webhook-{accountId.Replace('_', '-')}";

    public static string ApiKeyName(string accountId) => $"stripe-apikey-{accountId.Replace('_', '-')}";
}
