using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Releases;

/// <summary>What a founder does to ship a release, step by step over HTTP: publish, PUT the zip to the upload URL, mark it uploaded.</summary>
public static class ReleaseSteps
{
    /// <summary>A real zip holding one file, different for every call.</summary>
    public static byte[] Zip(string version)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        using (var writer = new StreamWriter(zip.CreateEntry("my-plugin/my-plugin.php").Open()))
            writer.Write($"<?php /* Version: {version} */ // {Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}");
        return buffer.ToArray();
    }

    public static async Task<JsonElement> PublishAsync(TestHost host, string apiKey, object body, string productId = "my-plugin")
    {
        var r = await host.PostAsync($"v1/products/{productId}/releases", body, apiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return r.Json;
    }

    /// <summary>PUT straight to blob storage, as <c>curl -X PUT -H 'x-ms-blob-type: BlockBlob' --data-binary @zip</c> does.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(string uploadUrl, byte[] package)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(package) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return await http.SendAsync(request);
    }

    /// <summary>Publish, upload and mark uploaded; returns the release as the last step answered it.</summary>
    public static async Task<JsonElement> ShipAsync(TestHost host, string apiKey, string version, string channel = "stable", byte[]? package = null,
        DateTimeOffset? releasedAt = null, string productId = "my-plugin")
    {
        var published = await PublishAsync(host, apiKey, new
        {
            version,
            channel,
            changelog = $"## {version}\n- Fixed **things**",
            requiresWp = "6.0",
            testedWp = "6.7",
            requiresPhp = "8.1",
            releasedAt,
        }, productId);
        using var upload = await UploadAsync(published.GetProperty("uploadUrl").GetString()!, package ?? Zip(version));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var id = published.GetProperty("id").GetString();
        var marked = await host.PostAsync($"v1/products/{productId}/releases/{id}/uploaded", null, apiKey);
        Assert.True(marked.Status == HttpStatusCode.OK, marked.Text);
        return marked.Json;
    }

    public static Task<JsonElement> CheckAsync(TestHost host, string key, string version, string? channel = null, string domain = "customer-site.com") =>
        host.PostOkAsync("v1/updates/check", new { key, domain, version, channel });

    /// <summary>A GET that follows no redirect: what a download link answers as it stands.</summary>
    public static async Task<HttpResponseMessage> GetRawAsync(string url)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead);
        return response;
    }
}
