using Azure.Storage.Queues;

namespace Licensing.Functions.Storage;

/// <summary>
/// Queue clients for the queues the app writes to and its queue triggers read. Messages are base64, as the
/// Functions queue extension expects by default (host.json messageEncoding;
/// <see cref="StorageRegistration"/> configures the clients).
/// </summary>
public sealed class QueueStorage(QueueServiceClient service)
{
    /// <summary>Every payment provider's verified events (the name predates the other providers; kept for messages in flight).</summary>
    public const string BillingEvents = "stripe-events";
    public const string EmailOutbox = "email-outbox";
    public const string SignInRequests = "signin-requests";
    public const string WebhookDeliveries = "webhook-deliveries";
    public const string LicenseChanges = "license-changes";
    public const string PoisonSuffix = "-poison";

    private static readonly string[] Triggered = [BillingEvents, EmailOutbox, SignInRequests, LicenseChanges, WebhookDeliveries];

    /// <summary>Every queue created at start: each triggered queue and its poison queue.</summary>
    public static IReadOnlyList<string> AllQueues { get; } = [.. Triggered, .. Triggered.Select(q => q + PoisonSuffix)];

    public QueueServiceClient Service { get; } = service;

    public QueueClient Queue(string name) => Service.GetQueueClient(name);

    /// <summary>Sends a message (visible after <paramref name="delay"/> when given) inside the storage fault guard.</summary>
    public Task SendAsync(string queue, string message, TimeSpan? delay, CancellationToken ct) =>
        StorageFaults.Guard(() => Queue(queue).SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: ct), ct);

    /// <summary>Sends <paramref name="message"/> as the API's JSON, visible after <paramref name="delay"/> (none when zero or less).</summary>
    public Task SendJsonAsync<T>(string queue, T message, TimeSpan delay, CancellationToken ct) =>
        SendAsync(queue, System.Text.Json.JsonSerializer.Serialize(message, Http.Json.Options), delay > TimeSpan.Zero ? delay : null, ct);
}
