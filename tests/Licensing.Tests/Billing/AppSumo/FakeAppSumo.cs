using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Licensing.Tests.Billing.AppSumo;

/// <summary>
/// A local stand-in for AppSumo's OAuth endpoints that checks requests as AppSumo does: <c>POST /openid/token/</c> with
/// form fields client_id, client_secret, code, redirect_uri and grant_type=authorization_code (the client's credentials and
/// redirect URI must match exactly; a code works once), then <c>GET /openid/license_key/?access_token=…</c>.
/// </summary>
public sealed class FakeAppSumo : IAsyncDisposable
{
    private LocalServer _server = null!;
    private readonly ConcurrentDictionary<string, (string Key, string? Email)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new(); // access token → license key

    public const string ClientId = "client-123";
    public const string ClientSecret = "secret-456";
    public string RedirectUri { get; set; } = "";
    public ConcurrentQueue<string> Rejections { get; } = new();
    public Uri Uri => _server.Uri;

    public static async Task<FakeAppSumo> StartAsync()
    {
        var fake = new FakeAppSumo();
        fake._server = await LocalServer.StartHttpAsync(fake.HandleAsync);
        return fake;
    }

    /// <summary>A code AppSumo would put on the redirect after the customer consents.</summary>
    public string IssueCode(string licenseKey, string? email)
    {
        var code = Guid.NewGuid().ToString("N");
        _codes[code] = (licenseKey, email);
        return code;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var (req, res) = (context.Request, context.Response);
        if (req.Method == "POST" && req.Path == "/openid/token/")
        {
            var form = req.HasFormContentType ? await req.ReadFormAsync() : null;
            string? F(string name) => form?[name].ToString();
            (string Key, string? Email) grant = default;
            var problem = form is null ? "not a form post"
                : F("grant_type") != "authorization_code" ? "grant_type"
                : F("client_id") != ClientId || F("client_secret") != ClientSecret ? "client credentials"
                : F("redirect_uri") != RedirectUri ? $"redirect_uri {F("redirect_uri")}"
                : !_codes.TryRemove(F("code") ?? "", out grant) ? "unknown or used code"
                : null;
            if (problem is not null)
            {
                Rejections.Enqueue(problem);
                res.StatusCode = 400;
                await res.WriteAsJsonAsync(new { error = "invalid_grant" });
                return;
            }
            var token = Guid.NewGuid().ToString("N");
            _tokens[token] = grant.Key!;
            await res.WriteAsJsonAsync(new
            {
                access_token = token,
                token_type = "bearer",
                expires_in = 3600,
                refresh_token = "r",
                id_token = IdToken(grant.Email),
            });
            return;
        }
        if (req.Method == "GET" && req.Path == "/openid/license_key/" && _tokens.TryGetValue(req.Query["access_token"].ToString(), out var key))
        {
            await res.WriteAsJsonAsync(new { license_key = key, status = "active" });
            return;
        }
        Rejections.Enqueue($"{req.Method} {req.Path}{req.QueryString}");
        res.StatusCode = 401;
    }

    private static string IdToken(string? email)
    {
        static string B(object o) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(o)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{B(new { alg = "RS256", typ = "JWT" })}.{B(email is null ? new { sub = "u1" } : new { sub = "u1", email })}.c2ln";
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
