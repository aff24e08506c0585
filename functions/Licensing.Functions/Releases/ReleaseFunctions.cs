using System.Text.Json.Serialization;
using Licensing.Domain.Accounts;
using Licensing.Domain.Releases;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Releases;

/// <summary>Account: publish a product's releases, upload their packages, list them (docs/releases.md).</summary>
public sealed class ReleaseFunctions(ReleaseService releases, RequestAuth auth)
{
    public sealed record PublishRequest(string? Version, string? Channel, string? Changelog, string? RequiresWp, string? TestedWp, string? RequiresPhp,
        DateTimeOffset? ReleasedAt);

    public sealed record UploadedRequest(string? Sha256);

    public sealed record ReleaseBody(
        string Id, string ProductId, string Version, string Channel, string Changelog, string ChangelogHtml,
        string? RequiresWp, string? TestedWp, string? RequiresPhp, DateTimeOffset ReleasedAt, DateTimeOffset CreatedAt,
        bool PackageUploaded, long? PackageSize, string? PackageSha256,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UploadUrl,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? UploadUrlExpiresAt);

    [Function(nameof(PublishRelease))]
    public async Task<IActionResult> PublishRelease(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/products/{productId}/releases")] HttpRequest req, string productId,
        CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.ProductsWrite, ct);
        var body = await RequestBody.ReadJsonAsync<PublishRequest>(req, ct);
        var published = await releases.PublishAsync(caller.AccountId, productId,
            new PublishReleaseInput(body.Version, body.Channel, body.Changelog, body.RequiresWp, body.TestedWp, body.RequiresPhp, body.ReleasedAt), ct);
        return new ApiJsonResult(StatusCodes.Status201Created, ToBody(published.Release, published));
    }

    [Function(nameof(ListReleases))]
    public async Task<IActionResult> ListReleases(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/products/{productId}/releases")] HttpRequest req, string productId,
        CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.ProductsRead, ct);
        var items = await releases.ListAsync(caller.AccountId, productId, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, new { items = items.Select(r => ToBody(r, null)) });
    }

    /// <summary>Verifies the uploaded package (exists, at most 100 MiB, optional SHA-256) and offers the release from then on.</summary>
    [Function(nameof(MarkReleaseUploaded))]
    public async Task<IActionResult> MarkReleaseUploaded(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/products/{productId}/releases/{releaseId}/uploaded")] HttpRequest req,
        string productId, string releaseId, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.ProductsWrite, ct);
        var body = HasBody(req) ? await RequestBody.ReadJsonAsync<UploadedRequest>(req, ct) : new UploadedRequest(null);
        var release = await releases.MarkUploadedAsync(caller.AccountId, productId, releaseId, body.Sha256, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, ToBody(release, null));
    }

    /// <summary>A fresh upload URL for a release whose package is not uploaded yet.</summary>
    [Function(nameof(RenewReleaseUploadUrl))]
    public async Task<IActionResult> RenewReleaseUploadUrl(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/products/{productId}/releases/{releaseId}/upload-url")] HttpRequest req,
        string productId, string releaseId, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.ProductsWrite, ct);
        var published = await releases.RenewUploadUrlAsync(caller.AccountId, productId, releaseId, ct);
        return new ApiJsonResult(StatusCodes.Status200OK, ToBody(published.Release, published));
    }

    /// <summary>The body is optional here: <c>curl -X POST</c> with nothing is the common call.</summary>
    private static bool HasBody(HttpRequest req) => req.ContentLength > 0 || (req.ContentLength is null && req.Headers.TransferEncoding.Count > 0);

    public static ReleaseBody ToBody(Release r, PublishedRelease? upload) => new(
        r.Id, r.ProductId, r.Version.Text, r.Channel.ToWire(), r.Changelog, ChangelogMarkdown.ToHtml(r.Changelog),
        r.RequiresWp, r.TestedWp, r.RequiresPhp, r.ReleasedAt, r.CreatedAt, r.PackageUploaded, r.PackageSize, r.PackageSha256,
        upload?.UploadUrl?.AbsoluteUri, upload?.UploadUrlExpiresAt);
}
