using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace Licensing.LocalHost;

/// <summary>
/// Serves the published dashboard (<c>LocalHost:DashboardRoot</c>, a <c>dotnet publish</c> wwwroot) beside the API:
/// its files as they are, and index.html for every other path outside the route prefix, so the app's own routes
/// (<c>/signin?token=…</c>, <c>/licenses/…</c>) load on a refresh. Paths under the prefix stay the API's: an unknown
/// one is the problem+json 404.
/// </summary>
internal static class DashboardFiles
{
    public static void Map(WebApplication app, string? root, string routePrefix, RequestDelegate notFound)
    {
        if (string.IsNullOrWhiteSpace(root))
        {
            app.MapFallback(notFound);
            return;
        }
        var full = Path.GetFullPath(root);
        if (!File.Exists(Path.Combine(full, "index.html")))
            throw new InvalidOperationException(
                $"LocalHost:DashboardRoot ({full}) holds no index.html: publish the dashboard there first (docs/dashboard.md).");
        var files = new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(full),
            ServeUnknownFileTypes = true, // the runtime's .dat and .pdb files
            DefaultContentType = "application/octet-stream",
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl =
                c.File.Name == "index.html" ? "no-cache" : "public, max-age=3600",
        };
        app.UseStaticFiles(files);
        app.MapFallback((routePrefix.Length == 0 ? "" : "/" + routePrefix) + "/{**path}", notFound);
        app.MapFallbackToFile("index.html", files);
    }
}
