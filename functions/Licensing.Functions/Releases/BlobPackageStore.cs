using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Licensing.Domain.Releases;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Releases;

/// <summary>
/// Release packages in one blob container. Upload and download URLs are SAS on exactly one blob: signed with the account
/// key where the client holds one (Azurite locally), else user-delegation SAS signed with a key the app's managed identity
/// obtains from the Blob service (Azure: no account key exists there, <c>allowSharedKeyAccess: false</c>).
/// </summary>
public sealed class BlobPackageStore(BlobServiceClient service, string containerName, TimeProvider clock) : IPackageStore
{
    /// <summary>A user-delegation key is asked for this long and renewed when less than <see cref="DelegationRenewal"/> is left.</summary>
    private static readonly TimeSpan DelegationLifetime = TimeSpan.FromDays(1);
    private static readonly TimeSpan DelegationRenewal = TimeSpan.FromHours(2);

    private readonly BlobContainerClient _container = service.GetBlobContainerClient(containerName);
    private readonly SemaphoreSlim _delegationLock = new(1, 1);
    private UserDelegationKey? _delegationKey;
    private volatile bool _containerReady;

    public async Task<Uri> UploadUrlAsync(string name, DateTimeOffset expiresAt, CancellationToken ct)
    {
        if (!_containerReady)
        {
            await StorageFaults.Guard(() => _container.CreateIfNotExistsAsync(cancellationToken: ct), ct);
            _containerReady = true;
        }
        return await SasAsync(name, BlobSasPermissions.Create | BlobSasPermissions.Write, expiresAt, null, ct);
    }

    public Task<Uri> DownloadUrlAsync(string name, string fileName, DateTimeOffset expiresAt, CancellationToken ct) =>
        SasAsync(name, BlobSasPermissions.Read, expiresAt, $"attachment; filename=\"{fileName}\"", ct);

    public async Task<PackageInfo?> InspectAsync(string name, long maxBytes, CancellationToken ct)
    {
        var opened = await OpenReadAsync(name, ct);
        if (opened is not { } blob) return null;
        await using var content = blob.Content;
        if (blob.Length > maxBytes) return new PackageInfo(blob.Length, null);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        await StorageFaults.Guard(async () =>
        {
            int read;
            while ((read = await content.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                size += read;
            }
        }, ct);
        return new PackageInfo(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public Task<(Stream Content, long Length)?> OpenReadAsync(string name, CancellationToken ct) =>
        StorageFaults.Guard<(Stream, long)?>(async () =>
        {
            try
            {
                var response = await _container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: ct);
                return (response.Value.Content, response.Value.Details.ContentLength);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, ct);

    public Task DeleteAsync(string name, CancellationToken ct) =>
        StorageFaults.Guard(() => _container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct), ct);

    private async Task<Uri> SasAsync(string name, BlobSasPermissions permissions, DateTimeOffset expiresAt, string? contentDisposition, CancellationToken ct)
    {
        var blob = _container.GetBlobClient(name);
        var sas = new BlobSasBuilder
        {
            BlobContainerName = _container.Name,
            BlobName = name,
            Resource = "b",
            // A little before now: the storage service's clock may be behind ours.
            StartsOn = clock.GetUtcNow().AddMinutes(-5),
            ExpiresOn = expiresAt,
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
            ContentDisposition = contentDisposition,
        };
        sas.SetPermissions(permissions);
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(sas);
        var key = await DelegationKeyAsync(ct);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, service.AccountName) }.ToUri();
    }

    private async Task<UserDelegationKey> DelegationKeyAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_delegationKey is { } held && held.SignedExpiresOn - now > DelegationRenewal) return held;
        await _delegationLock.WaitAsync(ct);
        try
        {
            if (_delegationKey is { } again && again.SignedExpiresOn - now > DelegationRenewal) return again;
            var key = await StorageFaults.Guard(() => service.GetUserDelegationKeyAsync(now.AddMinutes(-5), now + DelegationLifetime, ct), ct);
            return _delegationKey = key.Value;
        }
        finally
        {
            _delegationLock.Release();
        }
    }
}
