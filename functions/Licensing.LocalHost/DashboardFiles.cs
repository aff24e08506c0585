using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Licensing.LocalHost;

/// <summary>
/// Serves the published dashboard (<c>LocalHost:DashboardRoot</c>, a <c>dotnet publish</c> wwwroot) beside the API:
/// its files as they are, and index.html for every other path outside the route prefix, so the app's own routes
/// (<c>/signin?token=…</c>, <c>/licenses/…</c>) load on a refresh. Paths under the prefix stay the API's: an unknown
/// one is the problem+json 404. The <c>.br</c>/<c>.gz</c> copies publish writes are served to browsers that accept them
/// (with the original file's Content-Type and <c>Vary: Accept-Encoding</c>); fingerprinted files are cached for a year,
/// index.html is revalidated on every load.
/// </summary>
public static partial class DashboardFiles
{
    private static readonly FileExtensionContentTypeProvider Types = new();
    private static readonly (string Encoding, string Suffix)[] Encodings = [("br", ".br"), ("gzip", ".gz")];

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
        var provider = new PhysicalFileProvider(full);
        var files = new StaticFileOptions
        {
            FileProvider = provider,
            ServeUnknownFileTypes = true, // the runtime's .dat and .pdb files
            DefaultContentType = "application/octet-stream",
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = CacheControl(c.File.Name),
        };
        app.Use((context, next) =>
        {
            ServePrecompressed(context, provider);
            return next(context);
        });
        app.UseStaticFiles(files);
        app.MapFallback((routePrefix.Length == 0 ? "" : "/" + routePrefix) + "/{**path}", notFound);
        app.MapFallbackToFile("index.html", files);
    }

    /// <summary>A year (immutable) for a fingerprinted name, no-cache for index.html, an hour for the rest.</summary>
    public static string CacheControl(string fileName)
    {
        var name = fileName.EndsWith(".br", StringComparison.Ordinal) || fileName.EndsWith(".gz", StringComparison.Ordinal) ? fileName[..^3] : fileName;
        return name == "index.html" ? "no-cache"
            : Fingerprinted().IsMatch(name) ? "public, max-age=31536000, immutable"
            : "public, max-age=3600";
    }

    /// <summary>
    /// When the request names a file with a <c>.br</c> (preferred) or <c>.gz</c> copy the browser accepts, the request is
    /// pointed at the copy and the response announces its encoding and the original's type.
    /// </summary>
    private static void ServePrecompressed(HttpContext context, PhysicalFileProvider provider)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)) return;
        var path = context.Request.Path.Value;
        if (string.IsNullOrEmpty(path) || path.EndsWith('/') || !provider.GetFileInfo(path).Exists) return;
        if (!Types.TryGetContentType(path, out var type)) type = "application/octet-stream";
        context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        var accepted = context.Request.GetTypedHeaders().AcceptEncoding;
        foreach (var (encoding, suffix) in Encodings)
        {
            if (!Accepts(accepted, encoding) || !provider.GetFileInfo(path + suffix).Exists) continue;
            context.Request.Path = path + suffix;
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.ContentEncoding = encoding;
                context.Response.ContentType = type;
                return Task.CompletedTask;
            });
            return;
        }
    }

    /// <summary>Whether Accept-Encoding names the encoding with a quality above zero (ASP.NET Core's own header parser).</summary>
    private static bool Accepts(IList<StringWithQualityHeaderValue> accepted, string encoding) =>
        accepted.Any(v => v.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase) && v.Quality is not <= 0);

    [GeneratedRegex(@"\.[a-z0-9]{10}\.[A-Za-z0-9.]+$")]
    private static partial Regex Fingerprinted();
}
