namespace Licensing.Domain.Email;

/// <summary>An e-mail waiting in the outbox. The id is deterministic per purpose, so the same e-mail is queued once.</summary>
public sealed record OutboxEmail
{
    public required string AccountId { get; init; }
    public required string Id { get; init; }
    public required EmailMessage Message { get; init; }
    public string State { get; init; } = Pending;
    public int Attempts { get; init; }
    public DateTimeOffset? ClaimedUntil { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? Version { get; init; }

    /// <summary>The message carries a secret (a sign-in link): the outbox keeps its text encrypted at rest.</summary>
    public bool Sensitive { get; init; }

    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}
