using Azure.Core;
using Azure.Storage.Blobs;
using Licensing.Domain.Releases;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Releases;

public static class ReleasesRegistration
{
    /// <summary>Releases, their packages in blob storage, update checks, downloads and the EDD compatibility endpoint.</summary>
    public static IServiceCollection AddReleases(this IServiceCollection services)
    {
        services.AddSingleton<IReleaseStore, ReleaseTableStore>();
        services.AddSingleton<ReleaseCache>();
        services.AddSingleton<IDownloadTokens, DownloadTokens>();
        services.AddSingleton(sp => CreateBlobClient(sp.GetRequiredService<IOptions<LicensingOptions>>().Value, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton<IPackageStore>(sp => new BlobPackageStore(sp.GetRequiredService<BlobServiceClient>(),
            sp.GetRequiredService<IOptions<LicensingOptions>>().Value.Releases.Container, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ReleaseService>(sp,
            TimeSpan.FromMinutes(sp.GetRequiredService<IOptions<LicensingOptions>>().Value.Releases.UploadUrlMinutes)));
        services.AddSingleton<CheckForUpdate>();
        services.AddSingleton<DownloadPackage>();
        services.AddSingleton<EddCompat>();
        return services;
    }

    /// <summary>Locally the storage connection string (shared key: SAS signed with it); in Azure the Blob endpoint with the app's identity.</summary>
    public static BlobServiceClient CreateBlobClient(LicensingOptions options, TokenCredential credential)
    {
        var clientOptions = new BlobClientOptions();
        // Short retries, as for tables: an outage answers 503 quickly rather than holding the caller.
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(100);
        if (!string.IsNullOrWhiteSpace(options.StorageConnection)) return new BlobServiceClient(options.StorageConnection, clientOptions);
        if (!string.IsNullOrWhiteSpace(options.BlobServiceUri)) return new BlobServiceClient(new Uri(options.BlobServiceUri), credential, clientOptions);
        throw new InvalidOperationException(
            $"Blob storage is not configured: set {LicensingOptions.Section}:BlobServiceUri (Azure, managed identity)"
            + $" or {LicensingOptions.Section}:StorageConnection (local).");
    }
}
