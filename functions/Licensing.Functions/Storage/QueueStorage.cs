using Azure.Core;
using Azure.Storage.Queues;
using Licensing.Functions.Hosting;

namespace Licensing.Functions.Storage;

/// <summary>
/// Queue clients for the queues the app writes to and its queue triggers read. Messages are base64, as the
/// Functions queue extension expects by default (host.json messageEncoding).
/// </summary>
public sealed class QueueStorage(QueueServiceClient service)
{
    public const string StripeEvents = "stripe-events";
    public const string EmailOutbox = "email-outbox";
    public const string PoisonSuffix = "-poison";

    public static IReadOnlyList<string> AllQueues { get; } = [StripeEvents, EmailOutbox, StripeEvents + PoisonSuffix, EmailOutbox + PoisonSuffix];

    public QueueServiceClient Service { get; } = service;

    public QueueClient Queue(string name) => Service.GetQueueClient(name);

    /// <summary>Sends a message (visible after <paramref name="delay"/> when given) inside the storage fault guard.</summary>
    public Task SendAsync(string queue, string message, TimeSpan? delay, CancellationToken ct) =>
        StorageFaults.Guard(() => Queue(queue).SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: ct), ct);

    public static QueueClientOptions ClientOptions()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    public static QueueServiceClient CreateServiceClient(LicensingOptions options, TokenCredential credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnection)) return new QueueServiceClient(options.StorageConnection, ClientOptions());
        if (!string.IsNullOrWhiteSpace(options.QueueServiceUri)) return new QueueServiceClient(new Uri(options.QueueServiceUri), credential, ClientOptions());
        throw new InvalidOperationException($"Queues are not configured: set {LicensingOptions.Section}:QueueServiceUri (Azure) or {LicensingOptions.Section}:StorageConnection (local).");
    }
}
