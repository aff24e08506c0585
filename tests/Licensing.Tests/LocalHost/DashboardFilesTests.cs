using System.IO.Compression;
using System.Net;
using System.Text;
using Licensing.LocalHost;
using Licensing.Tests.Support;

namespace Licensing.Tests.LocalHost;

/// <summary>The local host serves the published dashboard's precompressed copies with the right headers.</summary>
public sealed class DashboardFilesTests
{
    private const string Script = "console.log('the dashboard');";

    private static async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string root, string path, string? acceptEncoding)
    {
        await using var app = LocalHostStartTests.BuildWith("LocalHost:DashboardRoot", root);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });
            using var request = new HttpRequestMessage(HttpMethod.Get, app.Urls.First() + path);
            if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
            var response = await http.SendAsync(request);
            return (response, await response.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static string Published()
    {
        var root = Directory.CreateTempSubdirectory("dashboard-").FullName;
        File.WriteAllText(Path.Combine(root, "index.html"), "<!doctype html><title>dashboard</title>");
        var framework = Directory.CreateDirectory(Path.Combine(root, "_framework")).FullName;
        var file = Path.Combine(framework, "app.abc123xyz9.js");
        File.WriteAllText(file, Script);
        using (var br = new BrotliStream(File.Create(file + ".br"), CompressionLevel.SmallestSize)) br.Write(Encoding.UTF8.GetBytes(Script));
        using (var gz = new GZipStream(File.Create(file + ".gz"), CompressionLevel.SmallestSize)) gz.Write(Encoding.UTF8.GetBytes(Script));
        return root;
    }

    private static string Decompress(byte[] body, Func<Stream, Stream> decoder)
    {
        using var reader = new StreamReader(decoder(new MemoryStream(body)));
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task A_browser_accepting_br_gets_the_br_copy_with_the_original_type_vary_and_a_year_of_cache()
    {
        await TestHost.RequireAzuriteAsync();
        var (response, body) = await GetAsync(Published(), "/_framework/app.abc123xyz9.js", "gzip, deflate, br, zstd");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal(Script, Decompress(body, s => new BrotliStream(s, CompressionMode.Decompress)));
    }

    [Fact]
    public async Task Gzip_is_served_when_br_is_not_accepted_and_the_plain_file_when_nothing_is()
    {
        await TestHost.RequireAzuriteAsync();
        var root = Published();
        var (gzip, gzBody) = await GetAsync(root, "/_framework/app.abc123xyz9.js", "gzip");
        Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);
        Assert.Equal(Script, Decompress(gzBody, s => new GZipStream(s, CompressionMode.Decompress)));
        var (plain, plainBody) = await GetAsync(root, "/_framework/app.abc123xyz9.js", null);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        Assert.Equal(Script, Encoding.UTF8.GetString(plainBody));
        var (refused, _) = await GetAsync(root, "/_framework/app.abc123xyz9.js", "br;q=0, gzip;q=0");
        Assert.Empty(refused.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Index_html_is_revalidated_on_every_load_and_app_routes_fall_back_to_it()
    {
        await TestHost.RequireAzuriteAsync();
        var root = Published();
        var (index, _) = await GetAsync(root, "/index.html", "br");
        Assert.True(index.Headers.CacheControl?.NoCache, index.Headers.CacheControl?.ToString());
        var (route, body) = await GetAsync(root, "/licenses/lic_x", "br");
        Assert.Equal(HttpStatusCode.OK, route.StatusCode);
        Assert.Contains("<title>dashboard</title>", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Licensing.Dashboard.py6kht8r8e.wasm.br", "public, max-age=31536000, immutable")]
    [InlineData("index.html", "no-cache")]
    [InlineData("favicon.png", "public, max-age=3600")]
    public void Cache_headers_follow_the_file_name(string name, string expected) => Assert.Equal(expected, DashboardFiles.CacheControl(name));
}
