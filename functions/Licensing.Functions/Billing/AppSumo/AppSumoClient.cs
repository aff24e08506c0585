using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Licensing.Domain.Billing.AppSumo;
using Licensing.Domain.Common;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Billing.AppSumo;

/// <summary>What AppSumo's OAuth token endpoint answered.</summary>
public sealed record AppSumoToken(string AccessToken, string? IdToken);

/// <summary>
/// AppSumo's OAuth endpoints (base URL: <c>Licensing:AppSumoBaseUrl</c>): exchange a redirect's code for an access
/// token (<c>POST /openid/token/</c>), then read the customer's license (<c>GET /openid/license_key/</c>). A code
/// AppSumo refuses is the caller's mistake (400 naming <c>code</c>); AppSumo unreachable or failing is 503.
/// </summary>
public sealed class AppSumoClient(HttpClient http, IOptions<LicensingOptions> options)
{
    private Uri Base => new(options.Value.AppSumoBaseUrl.TrimEnd('/') + "/");

    public async Task<AppSumoToken> ExchangeAsync(string clientId, string clientSecret, string code, string redirectUri, CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["grant_type"] = "authorization_code",
        });
        using var doc = await SendAsync(() => http.PostAsync(new Uri(Base, "openid/token/"), form, ct), ct);
        return AppSumoPayload.Text(doc.RootElement, "access_token") is { } token
            ? new AppSumoToken(token, AppSumoPayload.Text(doc.RootElement, "id_token"))
            : throw ValidationFailedException.For("code", "AppSumo did not accept this code; start again from AppSumo");
    }

    public async Task<(string LicenseKey, string? Status)> GetLicenseAsync(string accessToken, CancellationToken ct)
    {
        var uri = new Uri(Base, "openid/license_key/?access_token=" + Uri.EscapeDataString(accessToken));
        using var doc = await SendAsync(() => http.GetAsync(uri, ct), ct);
        return AppSumoPayload.Text(doc.RootElement, "license_key") is { } key
            ? (key, AppSumoPayload.Text(doc.RootElement, "status"))
            : throw new ServiceUnavailableException("AppSumo answered without a license key");
    }

    /// <summary>
    /// The <c>email</c> claim of the id token, if any. The token came straight from AppSumo's token endpoint over TLS, so
    /// (OpenID Connect Core 3.1.3.7) that connection, not the token's signature, vouches for it.
    /// </summary>
    public static string? EmailOf(string? idToken)
    {
        if (idToken?.Split('.') is not [_, var payload, _]) return null;
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.Decode(payload));
            return EmailAddress.Normalize(AppSumoPayload.Text(doc.RootElement, "email"));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static async Task<JsonDocument> SendAsync(Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        try
        {
            using var response = await send();
            if ((int)response.StatusCode is >= 400 and < 500)
                throw ValidationFailedException.For("code", "AppSumo did not accept this code; start again from AppSumo");
            if (!response.IsSuccessStatusCode) throw new ServiceUnavailableException($"AppSumo answered {(int)response.StatusCode}");
            var doc = await response.Content.ReadFromJsonAsync<JsonDocument>(ct)
                ?? throw new ServiceUnavailableException("AppSumo answered an empty body");
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc : throw new ServiceUnavailableException("AppSumo answered no JSON object");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException
            || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new ServiceUnavailableException("AppSumo cannot be reached", e);
        }
    }
}
