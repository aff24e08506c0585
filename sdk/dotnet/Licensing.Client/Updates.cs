using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Licensing.Client
{
    /// <summary>
    /// The answer of an update check (<c>POST /v1/updates/check</c>). <see cref="Package"/> is set only when the license
    /// validates and its update entitlement covers the release; <see cref="Code"/> says why otherwise. A check that could
    /// not reach the service is <c>UNREACHABLE</c> with no update: a fault never reads as "unlicensed".
    /// </summary>
    public sealed class UpdateInfo
    {
        public bool UpdateAvailable { get; internal set; }
        public string? Version { get; internal set; }
        public Uri? Package { get; internal set; }
        public DateTimeOffset? PackageExpiresAt { get; internal set; }
        public string Code { get; internal set; } = "";
        public string Detail { get; internal set; } = "";
        public string? Channel { get; internal set; }
        /// <summary>The release's changelog as HTML the service made safe (a documented Markdown subset, everything else escaped).</summary>
        public string? ChangelogHtml { get; internal set; }
        public DateTimeOffset? ReleasedAt { get; internal set; }
        public long? PackageSize { get; internal set; }
        public string? PackageSha256 { get; internal set; }
    }

    public sealed partial class LicenseClient
    {
        /// <summary>
        /// Asks whether a release newer than <paramref name="currentVersion"/> exists on <paramref name="channel"/>
        /// (<c>stable</c> or <c>beta</c>) for this license, on this domain or machine.
        /// </summary>
        public async Task<UpdateInfo> CheckForUpdateAsync(string key, string currentVersion, string? domain = null, string? fingerprint = null,
            string channel = "stable", CancellationToken ct = default)
        {
            var body = new Dictionary<string, object?> { ["key"] = key, ["version"] = currentVersion, ["channel"] = channel };
            if (domain != null) body["domain"] = domain;
            if (fingerprint != null) body["fingerprint"] = fingerprint;
            var (status, doc, unreachable) = await AskAsync("v1/updates/check", body, ct).ConfigureAwait(false);
            if (doc == null)
                return new UpdateInfo { Code = "UNREACHABLE", Detail = status == 0 ? unreachable! : unreachable + "; try again later" };
            using (doc)
            {
                var root = doc.RootElement;
                if (status != 200) return new UpdateInfo { Code = RefusedCode(root, status), Detail = RefusedDetail(root) };
                return new UpdateInfo
                {
                    UpdateAvailable = root.GetProperty("updateAvailable").GetBoolean(),
                    Version = Text(root, "version"),
                    Package = Text(root, "package") is { } url ? new Uri(url) : null,
                    PackageExpiresAt = Time(root, "packageExpiresAt"),
                    Code = Text(root, "code") ?? "",
                    Detail = Text(root, "detail") ?? "",
                    Channel = Text(root, "channel"),
                    ChangelogHtml = Text(root, "changelog"),
                    ReleasedAt = Time(root, "releasedAt"),
                    PackageSize = root.TryGetProperty("packageSize", out var size) && size.ValueKind == JsonValueKind.Number ? size.GetInt64() : (long?)null,
                    PackageSha256 = Text(root, "packageSha256"),
                };
            }
        }

        /// <summary>
        /// Downloads the offered package into <paramref name="destination"/> and checks its SHA-256 against the one the
        /// service recorded: <see cref="InvalidDataException"/> when they differ, <see cref="HttpRequestException"/> when
        /// the link was refused (expired, or the license no longer covers the release: check again).
        /// </summary>
        public async Task DownloadUpdateAsync(UpdateInfo update, Stream destination, CancellationToken ct = default)
        {
            if (update.Package == null) throw new InvalidOperationException($"no package to download ({update.Code}: {update.Detail})");
            using var response = await _http.GetAsync(update.Package, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"the download answered {(int)response.StatusCode}");
            using var content = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer, 0, read, ct).ConfigureAwait(false);
            }
            var sha = BitConverter.ToString(hash.GetHashAndReset()).Replace("-", "").ToLowerInvariant();
            if (update.PackageSha256 != null && sha != update.PackageSha256)
                throw new InvalidDataException($"the package's SHA-256 is {sha}, not {update.PackageSha256}: discard it");
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static DateTimeOffset? Time(JsonElement root, string name) =>
            Text(root, name) is { } s ? DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
    }
}
