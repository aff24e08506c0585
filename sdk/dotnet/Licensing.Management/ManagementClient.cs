using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Licensing.Management;

/// <summary>
/// The account API (bearer: an account API key or a dashboard session). Every method maps one route; a problem+json
/// answer becomes an <see cref="ApiException"/> carrying its status, code and detail.
/// </summary>
public sealed partial class ManagementClient : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="baseUrl">The API base, e.g. https://my-licensing.azurewebsites.net/api/ (a trailing slash is added).</param>
    /// <param name="token">An account API key (<c>lsk_…</c>) or a session token; null for public routes only.</param>
    public ManagementClient(Uri baseUrl, string? token, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(100);
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("licensing-management/1.0");
    }

    public Uri BaseUrl => _http.BaseAddress!;

    // Products
    public async Task<IReadOnlyList<JsonObject>> ListProductsAsync(CancellationToken ct = default) =>
        (await SendAsync<Page<JsonObject>>(HttpMethod.Get, "v1/products", null, ct))!.Items;

    public Task<JsonObject> GetProductAsync(string productId, CancellationToken ct = default) =>
        SendAsync<JsonObject>(HttpMethod.Get, $"v1/products/{Esc(productId)}", null, ct)!;

    /// <summary>Creates or replaces a product from its JSON (the shape <c>PUT /v1/products/{id}</c> takes).</summary>
    public async Task<(JsonObject Product, bool Created)> PutProductAsync(string productId, JsonObject product, CancellationToken ct = default)
    {
        using var response = await RawAsync(HttpMethod.Put, $"v1/products/{Esc(productId)}", product, ct);
        return ((await ReadAsync<JsonObject>(response, ct))!, response.StatusCode == HttpStatusCode.Created);
    }

    // Licenses
    public Task<License> IssueLicenseAsync(IssueLicenseRequest request, string? idempotencyKey = null, CancellationToken ct = default) =>
        SendAsync<License>(HttpMethod.Post, "v1/licenses", request, ct, idempotencyKey)!;

    public Task<License> GetLicenseAsync(string licenseId, CancellationToken ct = default) =>
        SendAsync<License>(HttpMethod.Get, $"v1/licenses/{Esc(licenseId)}", null, ct)!;

    public Task<Page<License>> ListLicensesAsync(LicenseFilter filter, string? continuationToken = null, CancellationToken ct = default)
    {
        var path = WithQuery("v1/licenses", ("productId", filter.ProductId), ("customerEmail", filter.CustomerEmail), ("status", filter.Status),
            ("plan", filter.Plan), ("continuationToken", continuationToken));
        return SendAsync<Page<License>>(HttpMethod.Get, path, null, ct)!;
    }

    /// <summary>The account's license a key names (signed, short in any typing, or imported): one item, or none.</summary>
    public async Task<IReadOnlyList<License>> FindLicensesByKeyAsync(string key, CancellationToken ct = default) =>
        (await SendAsync<Page<License>>(HttpMethod.Get, WithQuery("v1/licenses", ("key", key)), null, ct))!.Items;

    /// <summary>The account's licenses activated on a domain (any spelling of it: scheme, www. and case are ignored).</summary>
    public async Task<IReadOnlyList<License>> FindLicensesByDomainAsync(string domain, CancellationToken ct = default) =>
        (await SendAsync<Page<License>>(HttpMethod.Get, WithQuery("v1/licenses", ("domain", domain)), null, ct))!.Items;

    /// <summary>Every license matching the filter, page after page.</summary>
    public async IAsyncEnumerable<License> AllLicensesAsync(LicenseFilter filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        string? token = null;
        do
        {
            var page = await ListLicensesAsync(filter, token, ct);
            foreach (var item in page.Items) yield return item;
            token = page.ContinuationToken;
        } while (token is not null);
    }

    /// <summary><c>suspend</c>, <c>reinstate</c> or <c>revoke</c>.</summary>
    public Task<License> ChangeStatusAsync(string licenseId, string verb, CancellationToken ct = default) =>
        SendAsync<License>(HttpMethod.Post, $"v1/licenses/{Esc(licenseId)}/{Esc(verb)}", null, ct)!;

    public Task<License> RenewAsync(string licenseId, DateTimeOffset expiresAt, CancellationToken ct = default) =>
        SendAsync<License>(HttpMethod.Post, $"v1/licenses/{Esc(licenseId)}/renew", new { expiresAt }, ct)!;

    /// <summary><c>PATCH /v1/licenses/{id}</c> with only the fields to change.</summary>
    public Task<License> EditAsync(string licenseId, JsonObject changes, CancellationToken ct = default) =>
        SendAsync<License>(HttpMethod.Patch, $"v1/licenses/{Esc(licenseId)}", changes, ct)!;

    /// <summary><c>POST /v1/licenses/{id}/resend-email</c>: the key e-mailed again to the license's address.</summary>
    public async Task<JsonObject?> ResendEmailAsync(string licenseId, CancellationToken ct = default) =>
        await SendAsync<JsonObject>(HttpMethod.Post, $"v1/licenses/{Esc(licenseId)}/resend-email", null, ct);

    /// <summary><c>GET /v1/audit</c>, newest first; <paramref name="licenseId"/> narrows it to one license's history.</summary>
    public Task<Page<AuditEntry>> ListAuditAsync(string? licenseId, string? continuationToken = null, CancellationToken ct = default) =>
        SendAsync<Page<AuditEntry>>(HttpMethod.Get, WithQuery("v1/audit", ("licenseId", licenseId), ("continuationToken", continuationToken)), null, ct)!;

    public Task<ImportResult> ImportAsync(string productId, IReadOnlyList<ImportItem> licenses, CancellationToken ct = default) =>
        SendAsync<ImportResult>(HttpMethod.Post, "v1/licenses/import", new { productId, licenses }, ct)!;

    // Codes, metrics, integrations, keys
    public Task<CodeBatch> GenerateCodesAsync(string productId, string plan, int count, CancellationToken ct = default) =>
        SendAsync<CodeBatch>(HttpMethod.Post, $"v1/products/{Esc(productId)}/code-batches", new { plan, count }, ct)!;

    public Task<MetricsReport> GetMetricsAsync(string? productId, DateOnly? from, DateOnly? to, CancellationToken ct = default) =>
        SendAsync<MetricsReport>(HttpMethod.Get, WithQuery("v1/metrics", ("productId", productId),
            ("from", from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("to", to?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))), null, ct)!;

    /// <summary>
    /// <c>PUT /v1/integrations/{provider}</c> with the provider's settings; the webhook URL to paste at the provider, or
    /// null for Stripe (whose URL is fixed: <c>v1/webhooks/stripe/{accountId}</c>).
    /// </summary>
    public async Task<string?> ConnectAsync(string provider, JsonObject settings, CancellationToken ct = default)
    {
        using var response = await RawAsync(HttpMethod.Put, $"v1/integrations/{Esc(provider)}", settings, ct);
        return response.StatusCode == HttpStatusCode.NoContent ? null : (await ReadAsync<JsonObject>(response, ct))?["webhookUrl"]?.GetValue<string>();
    }

    /// <summary><c>POST /v1/integrations/{provider}/simulate</c>: a signed test-mode purchase through the real pipeline; the event id.</summary>
    public async Task<string> SimulatePurchaseAsync(string provider, string productId, string plan, string customerEmail, string? domain,
        CancellationToken ct = default) =>
        (await SendAsync<JsonObject>(HttpMethod.Post, $"v1/integrations/{Esc(provider)}/simulate", new { productId, plan, customerEmail, domain }, ct))!
            ["eventId"]!.GetValue<string>();

    /// <summary><c>POST /v1/validate</c> (public): the verdict as the API sends it.</summary>
    public Task<JsonObject> ValidateAsync(string key, string? domain, CancellationToken ct = default) =>
        SendAsync<JsonObject>(HttpMethod.Post, "v1/validate", new { key, domain }, ct)!;

    public async Task<IReadOnlyList<ProviderFailure>> ListFailuresAsync(string provider, CancellationToken ct = default) =>
        (await SendAsync<Page<ProviderFailure>>(HttpMethod.Get, $"v1/integrations/{Esc(provider)}/failures", null, ct))!.Items;

    public async Task ReplayFailureAsync(string provider, string eventId, CancellationToken ct = default)
    {
        using var _ = await RawAsync(HttpMethod.Post, $"v1/integrations/{Esc(provider)}/failures/{Esc(eventId)}/replay", null, ct);
    }

    /// <summary>The public JWKS (<c>GET /v1/keys</c>), as text, ready to pin into an app.</summary>
    public async Task<string> GetJwksAsync(CancellationToken ct = default)
    {
        using var response = await RawAsync(HttpMethod.Get, "v1/keys", null, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    public Task<JsonObject> GetAccountAsync(CancellationToken ct = default) => SendAsync<JsonObject>(HttpMethod.Get, "v1/account", null, ct)!;

    /// <summary>Exchanges a sign-in link's one-time token for a session (public route).</summary>
    public Task<Session> CreateSessionAsync(string token, CancellationToken ct = default) =>
        SendAsync<Session>(HttpMethod.Post, "v1/sessions", new { token }, ct)!;

    /// <summary><c>POST /v1/signup</c> (public): e-mails a sign-up link (or a sign-in link to an address that has an account).</summary>
    public async Task SignUpAsync(string email, string name, CancellationToken ct = default)
    {
        using var _ = await RawAsync(HttpMethod.Post, "v1/signup", new { email, name }, ct);
    }

    /// <summary><c>POST /v1/signin</c> (public): e-mails a sign-in link when the address owns an account.</summary>
    public async Task SignInAsync(string email, CancellationToken ct = default)
    {
        using var _ = await RawAsync(HttpMethod.Post, "v1/signin", new { email }, ct);
    }

    /// <summary><c>DELETE /v1/sessions/current</c>: the session token stops working.</summary>
    public async Task EndSessionAsync(CancellationToken ct = default)
    {
        using var _ = await RawAsync(HttpMethod.Delete, "v1/sessions/current", null, ct);
    }

    /// <summary><c>DELETE /v1/licenses/{id}/activations/{activationId}</c>: the vendor frees a slot.</summary>
    public Task<License> RemoveActivationAsync(string licenseId, string activationId, CancellationToken ct = default) =>
        SendAsync<License>(HttpMethod.Delete, $"v1/licenses/{Esc(licenseId)}/activations/{Esc(activationId)}", null, ct)!;

    /// <summary><c>POST /v1/api-keys</c>: a named key limited to <paramref name="scopes"/>; its secret is in the answer only.</summary>
    public Task<ApiKeyCreated> CreateApiKeyAsync(string name, IReadOnlyList<string> scopes, CancellationToken ct = default) =>
        SendAsync<ApiKeyCreated>(HttpMethod.Post, "v1/api-keys", new { name, scopes }, ct)!;

    public async Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken ct = default) =>
        (await SendAsync<Page<ApiKeyInfo>>(HttpMethod.Get, "v1/api-keys", null, ct))!.Items;

    public async Task RevokeApiKeyAsync(string id, CancellationToken ct = default)
    {
        using var _ = await RawAsync(HttpMethod.Delete, $"v1/api-keys/{Esc(id)}", null, ct);
    }

    public void Dispose() => _http.Dispose();

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var response = await RawAsync(method, path, body, ct, idempotencyKey);
        return await ReadAsync<T>(response, ct);
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Accepted && response.Content.Headers.ContentLength is null or 0
            ? default
            : await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, ct);

    private async Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), ApiJson.Options), Encoding.UTF8, "application/json");
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await _http.SendAsync(request, ct);
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await ProblemAsync(response, ct);
    }

    internal static async Task<ApiException> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var problem = JsonNode.Parse(text)?.AsObject();
            var errors = problem?["errors"]?.AsObject()
                .ToDictionary(e => e.Key, e => e.Value?.AsArray().Select(m => m?.ToString() ?? "").ToArray() ?? []);
            var detail = problem?["detail"]?.ToString() ?? response.ReasonPhrase ?? "";
            return new ApiException(status, problem?["code"]?.ToString() ?? "HTTP_" + status, detail, errors);
        }
        catch (JsonException)
        {
            return new ApiException(status, "HTTP_" + status, response.ReasonPhrase ?? $"HTTP {status}");
        }
    }

    private static string Esc(string value) => Uri.EscapeDataString(value);

    /// <summary><paramref name="path"/> with the parameters that have a value, escaped; an empty one is left out.</summary>
    private static string WithQuery(string path, params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var query = new List<string>();
        foreach (var (name, value) in parameters)
            if (!string.IsNullOrEmpty(value)) query.Add(name + "=" + Esc(value));
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }
}
