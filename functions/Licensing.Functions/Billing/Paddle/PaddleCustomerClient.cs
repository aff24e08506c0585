using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Licensing.Domain.Billing;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Billing.Paddle;

/// <summary>
/// Paddle Billing's <c>GET /customers/{id}</c> with the account's API key (Bearer): the one Paddle API call, for a
/// transaction whose customer's <c>customer.created</c> has not arrived. One HttpClient for the app's life.
/// </summary>
public sealed class PaddleCustomerClient(IOptions<LicensingOptions> options) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public async Task<string?> GetEmailAsync(string apiKey, bool sandbox, string customerId, CancellationToken ct)
    {
        var apiBase = (sandbox ? options.Value.PaddleSandboxApiBase : options.Value.PaddleApiBase).TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{apiBase}/customers/{Uri.EscapeDataString(customerId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request, ct);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new BillingPermanentException($"reading Paddle customer {customerId} with the configured API key failed: {(int)response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
        return ProviderJson.Str(document.RootElement, "data", "email");
    }

    public void Dispose() => _http.Dispose();
}
