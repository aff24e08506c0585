namespace Licensing.Domain.Webhooks;

/// <summary>
/// The settings webhooks run with. <paramref name="AllowLoopback"/>: local runs may target http on loopback.
/// <paramref name="QueueDelayCap"/>: the longest a retry waits in the queue before its due time (on the app's clock) is
/// checked again.
/// </summary>
public sealed record WebhookPolicy(bool AllowLoopback, TimeSpan QueueDelayCap, int MaxEndpoints = 20)
{
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The queue delay for a wait of <paramref name="wait"/>: the wait itself, up to the cap.</summary>
    public TimeSpan QueueDelay(TimeSpan wait) => wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < QueueDelayCap ? wait : QueueDelayCap;
}
