using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Licensing.Management;

/// <summary>A license as its customer sees it in the customer portal (<c>GET /v1/portal/{accountId}/licenses</c>).</summary>
public sealed record PortalLicense(string LicenseId, string LicenseKey, string ProductId, string ProductName, string Plan, string PlanName,
    string Status, DateTimeOffset? ExpiresAt, int? MaxActivations, int ActivationsUsed, int? DeactivationsRemaining,
    IReadOnlyList<PortalActivation> Activations);

public sealed record PortalActivation(string Id, string? Domain, string? Fingerprint, string? Name, DateTimeOffset CreatedAt)
{
    public string Describe => Domain ?? Name ?? Fingerprint ?? Id;
}

public sealed record PortalLicenses(string CustomerEmail, bool BillingPortal, IReadOnlyList<PortalLicense> Items);

/// <summary>What a customer's deactivation did, and how many more the plan allows (null: no cap).</summary>
public sealed record PortalDeactivation(bool Deactivated, string? Code, string Detail, int ActivationsUsed, int? MaxActivations,
    int? DeactivationsRemaining);

/// <summary>
/// The customer portal's routes (<c>/v1/portal/{accountId}/…</c>, docs/portal.md), with a portal session token (or none,
/// for asking for a link and exchanging it). A problem+json answer becomes an <see cref="ApiException"/>.
/// </summary>
public sealed class PortalClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _base;

    public PortalClient(Uri baseUrl, string accountId, string? sessionToken, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        if (sessionToken is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sessionToken);
        _base = $"v1/portal/{Uri.EscapeDataString(accountId)}/";
    }

    /// <summary>Asks for a sign-in link (the answer is the same whether or not the address holds licenses here).</summary>
    public Task RequestLinkAsync(string email, CancellationToken ct = default) => SendAsync<object>(HttpMethod.Post, "signin", new { email }, ct);

    public async Task<Session> CreateSessionAsync(string token, CancellationToken ct = default) =>
        (await SendAsync<Session>(HttpMethod.Post, "sessions", new { token }, ct))!;

    public async Task<PortalLicenses> ListLicensesAsync(CancellationToken ct = default) =>
        (await SendAsync<PortalLicenses>(HttpMethod.Get, "licenses", null, ct))!;

    public async Task<PortalDeactivation> DeactivateAsync(string licenseId, string activationId, CancellationToken ct = default) =>
        (await SendAsync<PortalDeactivation>(HttpMethod.Post, $"licenses/{Uri.EscapeDataString(licenseId)}/deactivate", new { activationId }, ct))!;

    public Task ResendKeyAsync(string licenseId, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Post, $"licenses/{Uri.EscapeDataString(licenseId)}/resend", null, ct);

    /// <summary>A one-time URL of the payment provider's billing page for this customer.</summary>
    public async Task<Uri> BillingUrlAsync(CancellationToken ct = default) =>
        new((await SendAsync<JsonElement>(HttpMethod.Post, "billing", null, ct)).GetProperty("url").GetString()!);

    public Task EndSessionAsync(CancellationToken ct = default) => SendAsync<object>(HttpMethod.Delete, "sessions/current", null, ct);

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, _base + path);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body, ApiJson.Options), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw await ManagementClient.ProblemAsync(response, ct);
        if (typeof(T) == typeof(object)) return default;
        return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, ct);
    }

    public void Dispose() => _http.Dispose();
}
