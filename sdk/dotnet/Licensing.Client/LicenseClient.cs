using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Licensing.Client
{
    /// <summary>Where the client keeps the last good certificate and the latest time it has seen.</summary>
    public interface ICertificateStore
    {
        string? Load(string name);
        void Save(string name, string? value);
    }

    public sealed class MemoryCertificateStore : ICertificateStore
    {
        private readonly Dictionary<string, string?> _values = new Dictionary<string, string?>();
        public string? Load(string name) { lock (_values) return _values.TryGetValue(name, out var v) ? v : null; }
        public void Save(string name, string? value) { lock (_values) _values[name] = value; }
    }

    /// <summary>One file per entry in a folder of the app's (e.g. %APPDATA%/MyApp/license).</summary>
    public sealed class FileCertificateStore : ICertificateStore
    {
        private readonly string _folder;
        public FileCertificateStore(string folder) { _folder = folder; Directory.CreateDirectory(folder); }
        public string? Load(string name) { var p = Path.Combine(_folder, name); return File.Exists(p) ? File.ReadAllText(p) : null; }
        public void Save(string name, string? value)
        {
            var p = Path.Combine(_folder, name);
            if (value == null) { if (File.Exists(p)) File.Delete(p); return; }
            File.WriteAllText(p + ".tmp", value);
            if (File.Exists(p)) File.Delete(p);
            File.Move(p + ".tmp", p);
        }
    }

    public sealed class LicenseClientOptions
    {
        /// <summary>The API base, e.g. https://my-licensing.azurewebsites.net/api/</summary>
        public Uri BaseUrl { get; set; } = new Uri("http://127.0.0.1:7071/api/");

        /// <summary>
        /// The JWKS (GET /v1/keys) pinned into the app at build time: the trust anchor. Its root keys (the keys without a
        /// <c>dlg</c> member) check license keys and, through the delegation chain, certificates; its delegated keys are
        /// never used directly.
        /// </summary>
        public string PinnedJwks { get; set; } = "{\"keys\":[]}";

        public string? ProductId { get; set; }
        public ICertificateStore Store { get; set; } = new MemoryCertificateStore();
        public HttpMessageHandler? Handler { get; set; }
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
        public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

        /// <summary>How far the clock may be behind the newest time the client has seen before it is called tampered.</summary>
        public TimeSpan ClockTolerance { get; set; } = TimeSpan.FromMinutes(10);
    }

    /// <summary>What the app should do now.</summary>
    public sealed class LicenseState
    {
        internal LicenseState(bool valid, string code, string detail, Certificate? certificate, bool offline)
        {
            IsValid = valid; Code = code; Detail = detail; Certificate = certificate; Offline = offline;
        }

        /// <summary>True: run licensed. From the server's VALID, or offline from a still-valid certificate.</summary>
        public bool IsValid { get; }

        /// <summary>The server's code (VALID, REVOKED, DOMAIN_MISMATCH, …) or the client's own: UNREACHABLE (no server
        /// and no certificate yet), CERTIFICATE_EXPIRED (offline past the grace), CLOCK_TAMPERED.</summary>
        public string Code { get; }

        public string Detail { get; }
        public Certificate? Certificate { get; }

        /// <summary>True when the verdict comes from the stored certificate because the server could not be reached.</summary>
        public bool Offline { get; }

        public bool HasFeature(string feature) => IsValid && Certificate != null && Certificate.Features.Contains(feature);

        /// <summary>True when the license is a trial (its certificate says so): a product may show "trial" and a buy button.</summary>
        public bool IsTrial => IsValid && Certificate != null && Certificate.IsTrial;
    }

    /// <summary>
    /// Validates a license key the way docs/certificates.md recommends: check the key offline, ask the server, keep the
    /// signed certificate, re-ask after revalidateAfter, and when the server cannot be reached keep the last verdict
    /// until the certificate expires. A 5xx, a 429 or a network fault never turns into "unlicensed".
    /// </summary>
    public sealed partial class LicenseClient : IDisposable
    {
        private const string CertificateEntry = "certificate";
        private const string LastSeenEntry = "last-seen";
        private const string ContextEntry = "certificate-for";

        /// <summary>SHA-256 (hex) of the key the stored certificate was given for: binds a short key to its certificate.</summary>
        private const string KeyEntry = "certificate-key";
        private readonly LicenseClientOptions _options;
        private readonly HttpClient _http;
        private readonly IReadOnlyList<Jwk> _roots;

        public LicenseClient(LicenseClientOptions options)
        {
            _options = options;
            _http = options.Handler == null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
            _http.Timeout = options.Timeout;
            _roots = Jwk.RootKeys(Jwk.ParseSet(options.PinnedJwks));
        }

        public LicenseState? Current { get; private set; }

        public bool HasFeature(string feature) => Current?.HasFeature(feature) == true;

        /// <summary>The periodic entry point: the stored certificate while it is before revalidateAfter, else the server.</summary>
        public async Task<LicenseState> CheckAsync(string key, string? domain = null, string? fingerprint = null, CancellationToken ct = default)
        {
            if (ClockTampered(out var tampered)) return Current = tampered!;
            var stored = StoredCertificate(key, domain, fingerprint);
            if (stored != null && _options.Clock() < stored.RevalidateAfter)
                return Current = new LicenseState(true, "VALID", "certificate still fresh", stored, offline: false);
            return await ValidateAsync(key, domain, fingerprint, features: null, ct).ConfigureAwait(false);
        }

        public async Task<LicenseState> ValidateAsync(string key, string? domain = null, string? fingerprint = null, IEnumerable<string>? features = null,
            CancellationToken ct = default)
        {
            if (OfflineVerifier.IsSignedKey(key) && !OfflineVerifier.TryVerifyKey(key, _roots, out _))
                return Current = Remember(new LicenseState(false, "NOT_FOUND", "license key not recognised", null, offline: false), null);
            if (ClockTampered(out var tampered)) return Current = tampered!;
            var body = new Dictionary<string, object?> { ["key"] = key };
            if (domain != null) body["domain"] = domain;
            if (fingerprint != null) body["fingerprint"] = fingerprint;
            if (features != null) body["features"] = features.ToArray();
            if (_options.ProductId != null) body["productId"] = _options.ProductId;
            return Current = await SendAsync("v1/validate", body, key, domain, fingerprint, "code", ct).ConfigureAwait(false);
        }

        public Task<LicenseState> ActivateAsync(string key, string? domain = null, string? fingerprint = null, string? name = null,
            CancellationToken ct = default)
        {
            var body = new Dictionary<string, object?> { ["key"] = key };
            if (domain != null) body["domain"] = domain;
            if (fingerprint != null) body["fingerprint"] = fingerprint;
            if (name != null) body["name"] = name;
            return SendAsync("v1/activate", body, key, domain, fingerprint, "code", ct);
        }

        /// <summary>Frees this domain's or machine's slot (e.g. when moving the app). True when the server freed it.</summary>
        public async Task<bool> DeactivateAsync(string key, string? domain = null, string? fingerprint = null, CancellationToken ct = default)
        {
            var body = new Dictionary<string, object?> { ["key"] = key };
            if (domain != null) body["domain"] = domain;
            if (fingerprint != null) body["fingerprint"] = fingerprint;
            using var response = await PostAsync("v1/deactivate", body, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK) return false;
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            var freed = doc.RootElement.GetProperty("deactivated").GetBoolean();
            if (freed) { _options.Store.Save(CertificateEntry, null); Current = null; }
            return freed;
        }

        private async Task<LicenseState> SendAsync(string path, Dictionary<string, object?> body, string key, string? domain, string? fingerprint,
            string codeField, CancellationToken ct)
        {
            var (status, doc, unreachable) = await AskAsync(path, body, ct).ConfigureAwait(false);
            if (doc == null) return KeepLastVerdict(key, domain, fingerprint, unreachable!);
            using (doc)
            {
                var root = doc.RootElement;
                if (status != 200) return new LicenseState(false, RefusedCode(root, status), RefusedDetail(root), null, offline: false);
                var code = root.GetProperty(codeField).GetString()!;
                var detail = root.TryGetProperty("detail", out var d) ? d.GetString()! : code;
                if (code != "VALID") return Remember(new LicenseState(false, code, detail, null, offline: false), null);
                var token = root.TryGetProperty("certificate", out var c) ? c.GetString() : null;
                var certificate = OfflineVerifier.VerifyCertificate(token, _roots, _options.Clock());
                if (certificate == null || !Answers(certificate, key, fresh: true))
                    return new LicenseState(false, "CERTIFICATE_INVALID", "the server's certificate did not verify against the pinned keys", null,
                        offline: false);
                _options.Store.Save(ContextEntry, Context(domain, fingerprint));
                _options.Store.Save(KeyEntry, KeyHash(key));
                return Remember(new LicenseState(true, code, detail, certificate, offline: false), certificate);
            }
        }

        /// <summary>
        /// POSTs <paramref name="body"/> and reads the JSON answer with its status; or, with no answer, why the service could not be
        /// reached: a network fault, a 5xx or a 429, which are never a verdict.
        /// </summary>
        private async Task<(int Status, JsonDocument? Answer, string? Unreachable)> AskAsync(string path, Dictionary<string, object?> body,
            CancellationToken ct)
        {
            HttpResponseMessage response;
            try
            {
                response = await PostAsync(path, body, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                return (0, null, "the licensing service could not be reached: " + e.Message);
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                if (status >= 500 || status == 429) return (status, null, $"the licensing service answered {status}");
                return (status, JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false)), null);
            }
        }

        /// <summary>A refused request's problem code (its status when the answer names none) and detail.</summary>
        private static string RefusedCode(JsonElement problem, int status) =>
            problem.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()!
                : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string RefusedDetail(JsonElement problem) =>
            problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "request refused";

        private Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, object?> body, CancellationToken ct) =>
            _http.PostAsync(new Uri(_options.BaseUrl, path), new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"), ct);

        private LicenseState KeepLastVerdict(string key, string? domain, string? fingerprint, string why)
        {
            var stored = StoredCertificate(key, domain, fingerprint);
            if (stored != null)
                return new LicenseState(true, "VALID", why + "; using the stored certificate until "
                    + stored.ExpiresAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), stored, offline: true);
            var raw = _options.Store.Load(CertificateEntry);
            return raw != null
                ? new LicenseState(false, "CERTIFICATE_EXPIRED", why + "; the stored certificate's offline grace has ended", null, offline: true)
                : new LicenseState(false, "UNREACHABLE", why + "; no certificate yet", null, offline: true);
        }

        private Certificate? StoredCertificate(string key, string? domain, string? fingerprint)
        {
            var certificate = OfflineVerifier.VerifyCertificate(_options.Store.Load(CertificateEntry), _roots, _options.Clock(), TimeSpan.Zero);
            if (certificate == null || !Answers(certificate, key, fresh: false)) return null;
            // The certificate answers for the domain or machine it was asked for, exactly as the app named it then.
            return _options.Store.Load(ContextEntry) == Context(domain, fingerprint) ? certificate : null;
        }

        private LicenseState Remember(LicenseState state, Certificate? certificate)
        {
            _options.Store.Save(CertificateEntry, certificate?.Token);
            var seen = certificate?.IssuedAt ?? _options.Clock();
            var last = LastSeen();
            if (last == null || seen > last)
                _options.Store.Save(LastSeenEntry, seen.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            return state;
        }

        private DateTimeOffset? LastSeen() =>
            long.TryParse(_options.Store.Load(LastSeenEntry), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var s)
                ? DateTimeOffset.FromUnixTimeSeconds(s)
                : (DateTimeOffset?)null;

        /// <summary>A clock set back before the newest certificate seen would stretch the offline grace: refused.</summary>
        private bool ClockTampered(out LicenseState? state)
        {
            state = null;
            var last = LastSeen();
            if (last == null || _options.Clock() >= last.Value - _options.ClockTolerance) return false;
            state = new LicenseState(false, "CLOCK_TAMPERED", $"the system clock is before {last.Value:u}, the newest certificate seen", null, offline: false);
            return true;
        }

        private static string KeyHash(string key)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            return BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(key))).Replace("-", "").ToLowerInvariant();
        }

        /// <summary>
        /// Whether the certificate answers for this key: a signed key names its license (checked offline); any other key (a short
        /// key) is the key the certificate was given for (<paramref name="fresh"/>: just given; else the key kept beside it).
        /// </summary>
        private bool Answers(Certificate certificate, string key, bool fresh) =>
            OfflineVerifier.IsSignedKey(key)
                ? OfflineVerifier.TryVerifyKey(key, _roots, out var ids) && certificate.LicenseId == ids!.LicenseId
                : fresh || _options.Store.Load(KeyEntry) == KeyHash(key);

        private static string Context(string? domain, string? fingerprint) => "domain=" + domain + "\nfingerprint=" + fingerprint;

        public void Dispose() => _http.Dispose();
    }
}
