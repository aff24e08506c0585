namespace Licensing.Domain.Billing;

/// <summary>The slim message queued for each verified event: which account, which event.</summary>
public sealed record StripeEventMessage(string AccountId, string EventId);

public interface IStripeEventQueue
{
    Task EnqueueAsync(StripeEventMessage message, CancellationToken ct);
}
