using Azure.Storage.Queues;
using Licensing.Functions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Support;

/// <summary>
/// Queues only one test host reads and writes: every queue name gets the host's own prefix. All hosts of a test run share
/// one Azurite, so without it any host may claim any message; a host configured unlike the others (a fake of a remote
/// API, a moved clock, injected faults) would then process other tests' messages its own way, or see its own messages
/// processed by hosts that lack its configuration.
/// </summary>
/// <param name="options">The client's options; by default only the app's message encoding.</param>
public sealed class OwnQueues(string connection, string prefix, QueueClientOptions? options = null) :
    QueueServiceClient(connection, options ?? new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })
{
    public override QueueClient GetQueueClient(string queueName) => base.GetQueueClient(prefix + queueName);

    /// <summary>Replaces the host's <see cref="QueueStorage"/> with one on queues named with <paramref name="prefix"/> (a new one if null).</summary>
    public static void Install(IServiceCollection services, string connection, string? prefix = null)
    {
        services.Remove(services.Single(d => d.ServiceType == typeof(QueueStorage)));
        services.AddSingleton(new QueueStorage(new OwnQueues(connection, prefix ?? NewPrefix())));
    }

    public static string NewPrefix() => $"t{Guid.NewGuid():N}"[..9] + "-";
}
