using System.Globalization;

namespace Licensing.Domain.Webhooks;

/// <summary>
/// One message to one endpoint and the state of its delivery. <see cref="MessageId"/> is the <c>webhook-id</c>, the same
/// on every attempt; for an event from the change journal it derives from the change id and the endpoint id, so a
/// change recorded twice (or handed over twice) is one delivery. <see cref="Payload"/> is the exact body, fixed when
/// the delivery is made, so every attempt sends the same bytes.
/// </summary>
public sealed record WebhookDelivery
{
    public required string AccountId { get; init; }
    public required string EndpointId { get; init; }
    public required string MessageId { get; init; }
    public required string Type { get; init; }
    public required string Payload { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string State { get; init; } = Pending;
    public int Attempts { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? ClaimedUntil { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    public int? ResponseStatus { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public string? Version { get; init; }

    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    /// <summary>
    /// Where the delivery is stored in its account: the endpoint, then newest first, then the message id. Every part is
    /// fixed when the delivery is made, so the same message always has the same key.
    /// </summary>
    public string Key => KeyFor(EndpointId, CreatedAt, MessageId);

    public static string KeyFor(string endpointId, DateTimeOffset createdAt, string messageId) =>
        $"{endpointId}|{(DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)}|{messageId}";

    /// <summary>The state as the API shows it: a claimed delivery is still pending.</summary>
    public string PublicState => State == Sending ? Pending : State;
}
