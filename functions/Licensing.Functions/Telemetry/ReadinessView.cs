namespace Licensing.Functions.Telemetry;

/// <summary>
/// The admin readiness view (<c>GET /v1/health/ready</c>). <see cref="Status"/> is <c>ok</c>, <c>degraded</c> (working, but
/// something needs a look: a poison message, a failed timer run, an unreachable e-mail sender) or <c>unavailable</c> (storage or
/// signing is down: validations would answer 503).
/// </summary>
public sealed record ReadinessView(string Status, DateTimeOffset CheckedAt, StorageCheck Storage, IReadOnlyList<QueueCheck> Queues,
    SignerCheck Signer, EmailCheck Email, OutboxCheck Outbox, IReadOnlyList<TimerCheck> Timers)
{
    public const string Ok = "ok";
    public const string Degraded = "degraded";
    public const string Unavailable = "unavailable";
    /// <summary>A check that works but needs a look (poison messages, a failed run).</summary>
    public const string Attention = "attention";
}

/// <summary>The tables: every table the app uses exists (one list call); <see cref="Missing"/> names those that do not.</summary>
public sealed record StorageCheck(string Status, int Tables, IReadOnlyList<string> Missing);

public sealed record QueueCheck(string Name, string Status, long? Depth, long? Poison, long? OldestAgeSeconds);

/// <summary>The root signer's public keys as held in memory, and this instance's delegated (certificate) key.</summary>
public sealed record SignerCheck(string Status, int RootKeys, string? DelegatedKeyId, DateTimeOffset? DelegatedKeySignsUntil);

/// <summary>The e-mail sender: <c>smtp</c> (a connection to the server is opened) or <c>acs</c> (configured; nothing is sent).</summary>
public sealed record EmailCheck(string Status, string Sender, string Target);

public sealed record OutboxCheck(string Status, long? Depth, long? OldestAgeSeconds, long? Poison);

/// <summary>A timer-triggered function, its schedule, and its last run (null before the first).</summary>
public sealed record TimerCheck(string Name, string Schedule, string Status, DateTimeOffset? LastStartedAt, DateTimeOffset? LastFinishedAt,
    string? LastOutcome, string? LastError);
