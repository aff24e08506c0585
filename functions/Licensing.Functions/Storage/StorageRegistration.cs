using Azure.Core;
using Azure.Core.Extensions;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Licensing.Functions.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// The app's one Azure credential, the Table and Queue service clients (through <c>AddAzureClients</c>), the
    /// <see cref="TableStorage"/> and <see cref="QueueStorage"/> wrappers and the start-up table and queue creation.
    /// Locally the clients use <see cref="LicensingOptions.StorageConnection"/>; in Azure the service URIs with the credential.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, LicensingOptions options)
    {
        services.AddSingleton<TokenCredential>(_ => CreateCredential(options));
        // AddAzureClients starts forwarding every Azure SDK event to ILogger once a client is created: a line per request,
        // and a warning per 409/412, which the conditional writes make routine. The app never logged those; a forwarder
        // with no loggers keeps it so (registered before AddAzureClients, which only adds one if none is; a factory, so
        // the container disposes its listener with the host).
        services.AddSingleton(_ => new AzureEventSourceLogForwarder(NullLoggerFactory.Instance));
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
            // Retries are short on purpose: a validation must answer 503 quickly rather than hang on a dead store.
            clients.ConfigureDefaults(o =>
            {
                o.Retry.MaxRetries = 2;
                o.Retry.Delay = TimeSpan.FromMilliseconds(100);
                o.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
            });
            TableClient(clients, options).ConfigureOptions(o =>
            {
                o.Retry.Mode = RetryMode.Exponential;
                o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
                o.AddPolicy(new RetriedWrites(), HttpPipelinePosition.PerRetry);
            });
            // The Functions queue extension reads base64 (host.json messageEncoding); AddQueueServiceClient has no
            // encoding parameter, so it is set on the client options.
            QueueClient(clients, options).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
        });
        services.AddSingleton(sp => new TableStorage(sp.GetRequiredService<TableServiceClient>()));
        services.AddSingleton(sp => new QueueStorage(sp.GetRequiredService<QueueServiceClient>()));
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    /// <summary>The managed identity with the configured client id in Azure; the default credential chain otherwise.</summary>
    public static TokenCredential CreateCredential(LicensingOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));

    private static IAzureClientBuilder<TableServiceClient, TableClientOptions> TableClient(AzureClientFactoryBuilder clients, LicensingOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnection)) return clients.AddTableServiceClient(options.StorageConnection);
        if (!string.IsNullOrWhiteSpace(options.TableServiceUri)) return clients.AddTableServiceClient(new Uri(options.TableServiceUri));
        return clients.AddClient<TableServiceClient, TableClientOptions>(_ => throw new InvalidOperationException(
            $"Storage is not configured: set {LicensingOptions.Section}:TableServiceUri (Azure, managed identity)"
            + $" or {LicensingOptions.Section}:StorageConnection (local)."));
    }

    private static IAzureClientBuilder<QueueServiceClient, QueueClientOptions> QueueClient(AzureClientFactoryBuilder clients, LicensingOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnection)) return clients.AddQueueServiceClient(options.StorageConnection);
        if (!string.IsNullOrWhiteSpace(options.QueueServiceUri)) return clients.AddQueueServiceClient(new Uri(options.QueueServiceUri));
        return clients.AddClient<QueueServiceClient, QueueClientOptions>(_ => throw new InvalidOperationException(
            $"Queues are not configured: set {LicensingOptions.Section}:QueueServiceUri (Azure) or {LicensingOptions.Section}:StorageConnection (local)."));
    }
}
