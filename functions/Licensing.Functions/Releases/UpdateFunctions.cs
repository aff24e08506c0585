using Licensing.Domain.Common;
using Licensing.Domain.Releases;
using Licensing.Domain.Validation;
using Licensing.Functions.Hosting;
using Licensing.Functions.Http;
using Licensing.Functions.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Releases;

/// <summary>Public: update checks and licensed downloads (docs/releases.md).</summary>
public sealed class UpdateFunctions(CheckForUpdate updates, DownloadPackage downloads, IPackageStore packages, AbuseGuard guard, PublicPathBudget budget,
    IOptions<LicensingOptions> options, TimeProvider clock)
{
    public sealed record CheckRequest(string? Key, string? Domain, string? Fingerprint, string? Version, string? Channel);

    public sealed record CheckResponse(bool UpdateAvailable, string? Version, string? Package, DateTimeOffset? PackageExpiresAt, string Code, string Detail,
        string? Channel, string? TestedWp, string? RequiresWp, string? RequiresPhp, string? Changelog, DateTimeOffset? ReleasedAt, long? PackageSize,
        string? PackageSha256);

    [Function(nameof(CheckForUpdates))]
    public async Task<IActionResult> CheckForUpdates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/updates/check")] HttpRequest req, CancellationToken ct)
    {
        var address = ClientAddress.Of(req);
        guard.CheckAddress(address);
        var body = await RequestBody.ReadJsonAsync<CheckRequest>(req, ct);
        var errors = new FieldErrors();
        if (body.Domain is null && body.Fingerprint is null) errors.Add("domain", "give the domain or the fingerprint the build runs on");
        var current = ReleaseRules.VersionField(body.Version, "version", errors, required: true);
        var channel = body.Channel is null ? ReleaseChannel.Stable : ReleaseChannels.Parse(body.Channel);
        if (channel is null) errors.Add("channel", "must be stable or beta");
        errors.ThrowIfAny();
        var request = ValidateFunction.Parse(new ValidateFunction.ValidateRequest(body.Key, body.Domain, body.Fingerprint, null, null, null, null));
        var offer = await budget.RunAsync(t => updates.CheckAsync(request, current, channel!.Value, address, t), ct);
        var r = offer.Release;
        return new ApiJsonResult(StatusCodes.Status200OK, new CheckResponse(
            offer.UpdateAvailable, r?.Version.Text, DownloadUrl(req, options.Value.PublicBaseUrl, offer.DownloadToken), offer.DownloadExpiresAt,
            offer.Verdict.Code.ToWire(),
            offer.Verdict.Detail, r?.Channel.ToWire(), r?.TestedWp, r?.RequiresWp, r?.RequiresPhp, r is null ? null : ChangelogMarkdown.ToHtml(r.Changelog),
            r?.ReleasedAt, offer.DownloadToken is null ? null : r?.PackageSize, offer.DownloadToken is null ? null : r?.PackageSha256));
    }

    /// <summary>The package, to whoever holds a live token of a license still valid: streamed, or a redirect to a short-lived SAS.</summary>
    [Function(nameof(DownloadRelease))]
    public async Task<IActionResult> DownloadRelease(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/downloads/{token}")] HttpRequest req, string token, CancellationToken ct)
    {
        guard.CheckAddress(ClientAddress.Of(req));
        var release = await budget.RunAsync(t => downloads.AuthorizeAsync(token, t), ct)
            ?? throw new NotFoundException("this download link is unknown, has expired, or its license no longer covers it; check for updates again");
        var fileName = $"{release.ProductId}-{release.Version.Precedence}.zip";
        if (options.Value.Releases.DownloadMode == ReleaseOptions.Redirect)
        {
            var url = await packages.DownloadUrlAsync(release.PackageName, fileName,
                clock.GetUtcNow().AddMinutes(options.Value.Releases.DownloadUrlMinutes), ct);
            return new ApiJsonResult(StatusCodes.Status302Found, null) { Headers = { ["Location"] = url.AbsoluteUri, ["Cache-Control"] = "no-store" } };
        }
        var opened = await packages.OpenReadAsync(release.PackageName, ct)
            ?? throw new NotFoundException("the package of this release is missing from storage");
        return new PackageStreamResult(opened.Content, opened.Length, fileName);
    }

    /// <summary>
    /// The absolute URL of <c>GET /v1/downloads/{token}</c>: under <see cref="LicensingOptions.PublicBaseUrl"/> when set
    /// (Azure), else on the scheme and host that answered this request.
    /// </summary>
    public static string? DownloadUrl(HttpRequest req, string? publicBaseUrl, string? token) =>
        token is null ? null
            : (string.IsNullOrWhiteSpace(publicBaseUrl)
                ? $"{req.Scheme}://{req.Host}{req.PathBase}/{HostSettings.RoutePrefix}"
                : publicBaseUrl.TrimEnd('/')) + "/v1/downloads/" + token;
}

/// <summary>A package streamed from storage as <c>application/zip</c> with its length and file name.</summary>
public sealed class PackageStreamResult(Stream content, long length, string fileName) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        await using (content)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/zip";
            response.ContentLength = length;
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            response.Headers.CacheControl = "private, no-store";
            await content.CopyToAsync(response.Body, context.HttpContext.RequestAborted);
        }
    }
}
