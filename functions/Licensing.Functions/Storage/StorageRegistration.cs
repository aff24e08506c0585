using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Functions.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// The app's one Azure credential, the Table and Queue service clients, the <see cref="TableStorage"/> and
    /// <see cref="QueueStorage"/> wrappers and the start-up table and queue creation. Locally the clients use
    /// <see cref="LicensingOptions.StorageConnection"/>; in Azure the service URIs with the credential.
    /// </summary>
    /// <remarks>
    /// The clients are made here rather than through Microsoft.Extensions.Azure's <c>AddAzureClients</c>: that starts a listener on
    /// every Azure SDK event source at the verbose level once a client is made (its log forwarder), so each storage request formats its
    /// headers into events, whether or not a logger wants them. The app logs none of them; its dependency spans come from the SDK's
    /// ActivitySources (<c>TelemetryRegistration</c>), which are independent of the event sources.
    /// </remarks>
    public static IServiceCollection AddStorage(this IServiceCollection services, LicensingOptions options)
    {
        services.AddSingleton<TokenCredential>(_ => CreateCredential(options));
        services.AddSingleton(sp => CreateTableServiceClient(options, sp.GetRequiredService<TokenCredential>));
        services.AddSingleton(sp => CreateQueueServiceClient(options, sp.GetRequiredService<TokenCredential>));
        services.AddSingleton(sp => new TableStorage(sp.GetRequiredService<TableServiceClient>()));
        services.AddSingleton(sp => new QueueStorage(sp.GetRequiredService<QueueServiceClient>()));
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    /// <summary>
    /// The Table client's options. Retries are short on purpose: a validation must answer 503 quickly rather than hang on a dead store;
    /// a retried write that storage had already applied is recognised as the app's own (<see cref="RetriedWrites"/>).
    /// </summary>
    public static TableClientOptions TableOptions()
    {
        var o = new TableClientOptions();
        Retries(o.Retry, 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        o.AddPolicy(new RetriedWrites(), HttpPipelinePosition.PerRetry);
        return o;
    }

    /// <summary>
    /// The Queue client's options: base64 messages as the Functions queue extension reads them (host.json), and retries that ride
    /// out a busy store's second or two (three, from 250 ms: about 1.75 s of waits). No queue send is on the public hot path; a send
    /// answers a founder's or a customer's click (a sign-in link) or a provider's webhook, where a second's wait beats a 503.
    /// </summary>
    public static QueueClientOptions QueueOptions()
    {
        var o = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        Retries(o.Retry, 3, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        return o;
    }

    /// <summary>Exponential retries (<paramref name="delay"/> doubling up to <paramref name="maxDelay"/>), each attempt given 10 s.</summary>
    private static void Retries(RetryOptions retry, int maxRetries, TimeSpan delay, TimeSpan maxDelay)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = maxRetries;
        retry.Delay = delay;
        retry.MaxDelay = maxDelay;
        retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }

    private static TableServiceClient CreateTableServiceClient(LicensingOptions options, Func<TokenCredential> credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnection)) return new TableServiceClient(options.StorageConnection, TableOptions());
        if (!string.IsNullOrWhiteSpace(options.TableServiceUri)) return new TableServiceClient(new Uri(options.TableServiceUri), credential(), TableOptions());
        throw new InvalidOperationException($"Storage is not configured: set {LicensingOptions.Section}:TableServiceUri (Azure, managed identity)"
            + $" or {LicensingOptions.Section}:StorageConnection (local).");
    }

    private static QueueServiceClient CreateQueueServiceClient(LicensingOptions options, Func<TokenCredential> credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnection)) return new QueueServiceClient(options.StorageConnection, QueueOptions());
        if (!string.IsNullOrWhiteSpace(options.QueueServiceUri)) return new QueueServiceClient(new Uri(options.QueueServiceUri), credential(), QueueOptions());
        throw new InvalidOperationException(
            $"Queues are not configured: set {LicensingOptions.Section}:QueueServiceUri (Azure) or {LicensingOptions.Section}:StorageConnection (local).");
    }

    /// <summary>The managed identity with the configured client id in Azure; the default credential chain otherwise.</summary>
    public static TokenCredential CreateCredential(LicensingOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
}
