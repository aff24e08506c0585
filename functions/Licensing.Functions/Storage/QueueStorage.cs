using Azure.Storage.Queues;

namespace Licensing.Functions.Storage;

/// <summary>
/// Queue clients for the queues the app writes to and its queue triggers read. Messages are base64, as the
/// Functions queue extension expects by default (host.json messageEncoding;
/// <see cref="StorageRegistration"/> configures the clients).
/// </summary>
public sealed class QueueStorage(QueueServiceClient service)
{
    public const string StripeEvents = "stripe-events";
    public const string EmailOutbox = "email-outbox";
    public const string SignInRequests = "signin-requests";
    public const string LicenseChanges = "license-changes";
    public const string PoisonSuffix = "-poison";

    public static IReadOnlyList<string> AllQueues { get; } =
        [StripeEvents, EmailOutbox, SignInRequests, LicenseChanges, StripeEvents + PoisonSuffix, EmailOutbox + PoisonSuffix,
         SignInRequests + PoisonSuffix, LicenseChanges + PoisonSuffix];

    public QueueServiceClient Service { get; } = service;

    public QueueClient Queue(string name) => Service.GetQueueClient(name);

    /// <summary>Sends a message (visible after <paramref name="delay"/> when given) inside the storage fault guard.</summary>
    public Task SendAsync(string queue, string message, TimeSpan? delay, CancellationToken ct) =>
        StorageFaults.Guard(() => Queue(queue).SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: ct), ct);
}
