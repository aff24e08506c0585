using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Licensing.Domain.Common;
using Licensing.Functions.Signing;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Licensing.Tests.Signing;

/// <summary>
/// A local HTTPS stand-in for Key Vault's keys API that checks each request as the service would: the path, the
/// api-version, the bearer token and the sign body (alg ES256, a 32-byte base64url digest). It holds real P-256
/// keys per version and, like the real service may, returns high-S signatures half the time.
/// </summary>
public sealed class FakeKeyVault : IAsyncDisposable
{
    public const string Token = "fake-vault-token";
    public const string KeyName = "license-signing";

    private LocalServer _server = null!;
    private readonly List<(string Version, ECDsa Key, long Created)> _versions = [];
    private int _signCount;

    public ConcurrentQueue<string> Requests { get; } = new();
    public ConcurrentQueue<string> Rejections { get; } = new();
    public HashSet<string> Disabled { get; } = [];
    public Uri Uri => _server.Uri;

    public static async Task<FakeKeyVault> StartAsync()
    {
        var vault = new FakeKeyVault();
        vault._server = await LocalServer.StartHttpsAsync(vault.Handle);
        vault.AddVersion();
        return vault;
    }

    /// <summary>Creates a new key version, which becomes the current one (a rotation).</summary>
    public string AddVersion()
    {
        var version = Guid.NewGuid().ToString("N");
        lock (_versions) _versions.Add((version, ECDsa.Create(ECCurve.NamedCurves.nistP256), _versions.Count + 1700000000L));
        return version;
    }

    public string CurrentVersion { get { lock (_versions) return _versions[^1].Version; } }

    /// <summary>A client options object whose transport trusts only this fake's certificate.</summary>
    public KeyVaultClientOptions ClientOptions(int retries = 0) => _server.ClientOptions<KeyVaultClientOptions>(retries);

    private async Task Handle(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (request.Query["api-version"] != KeyVaultRootSigner.ApiVersion) { await Reject(context, 400, "BadParameter", "api-version"); return; }
        if (request.Headers.Authorization != "Bearer " + Token)
        {
            context.Response.Headers.WWWAuthenticate =
                "Bearer authorization=\"https://login.microsoftonline.com/tenant\", resource=\"https://vault.azure.net\"";
            await Reject(context, 401, "Unauthorized", "bearer token");
            return;
        }
        var segments = request.Path.Value!.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "keys" || segments[1] != KeyName) { await Reject(context, 404, "KeyNotFound", "path"); return; }

        (string Version, ECDsa Key, long Created)[] versions;
        lock (_versions) versions = [.. _versions];
        switch (segments.Length, request.Method)
        {
            case (2, "GET"):
                await Write(context, Bundle(versions[^1]));
                return;
            case (3, "GET") when segments[2] == "versions":
                await Write(context, new JsonObject
                {
                    ["value"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject
                    {
                        ["kid"] = Kid(v.Version),
                        ["attributes"] = new JsonObject { ["enabled"] = !Disabled.Contains(v.Version), ["created"] = v.Created },
                    }).ToArray()),
                    ["nextLink"] = null,
                });
                return;
            case (3, "GET"):
                var found = versions.FirstOrDefault(v => v.Version == segments[2]);
                if (found.Key is null) { await Reject(context, 404, "KeyNotFound", "version"); return; }
                await Write(context, Bundle(found));
                return;
            case (4, "POST") when segments[3] == "sign":
                var key = versions.FirstOrDefault(v => v.Version == segments[2]);
                if (key.Key is null || Disabled.Contains(key.Version)) { await Reject(context, 404, "KeyNotFound", "sign version"); return; }
                if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
                {
                    await Reject(context, 400, "BadParameter", "content-type");
                    return;
                }
                var body = await JsonNode.ParseAsync(request.Body);
                var alg = body?["alg"]?.GetValue<string>();
                byte[] digest;
                try { digest = Base64Url.Decode(body?["value"]?.GetValue<string>() ?? ""); }
                catch (FormatException) { digest = []; }
                if (alg != "ES256" || digest.Length != 32) { await Reject(context, 400, "BadParameter", "sign body"); return; }
                var signature = key.Key.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                if (Interlocked.Increment(ref _signCount) % 2 == 0) signature = Licensing.Domain.Signing.Es256.Twin(signature);
                await Write(context, new JsonObject { ["kid"] = Kid(key.Version), ["value"] = Base64Url.Encode(signature) });
                return;
            default:
                await Reject(context, 405, "MethodNotAllowed", "route");
                return;
        }
    }

    private string Kid(string version) => new Uri(Uri, $"/keys/{KeyName}/{version}").ToString();

    private JsonObject Bundle((string Version, ECDsa Key, long Created) v)
    {
        var p = v.Key.ExportParameters(false);
        return new JsonObject
        {
            ["key"] = new JsonObject
            {
                ["kid"] = Kid(v.Version),
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = Base64Url.Encode(p.Q.X!),
                ["y"] = Base64Url.Encode(p.Q.Y!),
                ["key_ops"] = new JsonArray("sign", "verify"),
            },
            ["attributes"] = new JsonObject { ["enabled"] = !Disabled.Contains(v.Version), ["created"] = v.Created },
        };
    }

    private Task Reject(HttpContext context, int status, string code, string what)
    {
        Rejections.Enqueue($"{status} {what}");
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { code, message = "rejected: " + what } });
    }

    private static async Task Write(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>A credential that hands out a fixed token and records the scopes asked for.</summary>
public sealed class FakeCredential(string token = FakeKeyVault.Token) : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes) Scopes.Enqueue(scope);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
