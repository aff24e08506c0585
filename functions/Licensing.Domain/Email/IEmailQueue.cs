namespace Licensing.Domain.Email;

/// <summary>The queue of outbox ids to send, with an optional delay (the backoff between attempts).</summary>
public interface IEmailQueue
{
    Task EnqueueAsync(string accountId, string emailId, TimeSpan delay, CancellationToken ct);
}
