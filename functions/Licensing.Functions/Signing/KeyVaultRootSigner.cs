using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Licensing.Domain.Common;
using Licensing.Domain.Signing;

namespace Licensing.Functions.Signing;

/// <summary>Azure.Core options for the Key Vault client (retries, transport; tests point the transport at a fake).</summary>
public sealed class KeyVaultClientOptions : ClientOptions;

/// <summary>
/// The root key in Azure Key Vault, over its REST API (api-version 2025-07-01) through an Azure.Core pipeline with
/// a bearer token for <c>https://vault.azure.net/.default</c>. The private key never leaves the vault: signing
/// sends a SHA-256 digest to <c>keys/{name}/{version}/sign</c> with alg ES256 and gets raw R‖S back.
/// kid = <c>{keyName}/{version}</c>, so keys signed by an older version keep verifying after a rotation for as long
/// as that version stays enabled (docs/signing.md).
/// </summary>
public sealed class KeyVaultRootSigner : IRootSigner
{
    public const string ApiVersion = "2025-07-01";
    public const string Scope = "https://vault.azure.net/.default";
    private static readonly TimeSpan CurrentVersionTtl = TimeSpan.FromMinutes(10);

    private readonly HttpPipeline _pipeline;
    private readonly Uri _vault;
    private readonly string _keyName;
    private readonly TimeProvider _clock;
    private (string Kid, DateTimeOffset At)? _current;

    public KeyVaultRootSigner(Uri vaultUri, string keyName, TokenCredential credential, KeyVaultClientOptions? options = null, TimeProvider? clock = null)
    {
        if (Delegation.IsDelegatedKid(keyName))
            throw new ArgumentException($"a root key name must not start with '{Delegation.KidPrefix}', the delegated keys' namespace", nameof(keyName));
        _vault = vaultUri;
        _keyName = keyName;
        _clock = clock ?? TimeProvider.System;
        _pipeline = HttpPipelineBuilder.Build(options ?? new KeyVaultClientOptions(), new BearerTokenAuthenticationPolicy(credential, Scope));
    }

    public async Task<string> GetCurrentKidAsync(CancellationToken cancellationToken)
    {
        if (_current is { } c && _clock.GetUtcNow() - c.At < CurrentVersionTtl) return c.Kid;
        var bundle = await SendAsync(RequestMethod.Get, KeyPath(null), null, cancellationToken);
        var kid = KidFromUrl(bundle["key"]?["kid"]?.GetValue<string>());
        _current = (kid, _clock.GetUtcNow());
        return kid;
    }

    public async Task<Signature> SignDigestAsync(string kid, byte[] sha256Digest, CancellationToken cancellationToken)
    {
        var version = VersionOf(kid);
        var body = new JsonObject { ["alg"] = "ES256", ["value"] = Base64Url.Encode(sha256Digest) };
        var result = await SendAsync(RequestMethod.Post, KeyPath(version) + "/sign", body, cancellationToken);
        var signedBy = KidFromUrl(result["kid"]?.GetValue<string>());
        var value = result["value"]?.GetValue<string>() ?? throw Unavailable("Key Vault returned no signature");
        if (signedBy != kid) throw Unavailable($"Key Vault signed with {signedBy}, expected {kid}");
        return new Signature(kid, Base64Url.Decode(value));
    }

    public async Task<IReadOnlyList<PublicJwk>> GetPublicKeysAsync(CancellationToken cancellationToken)
    {
        var versions = new List<(string Version, long Created)>();
        string? next = null;
        do
        {
            var page = next is null
                ? await SendAsync(RequestMethod.Get, KeyPath(null) + "/versions", null, cancellationToken, ("maxresults", "25"))
                : await SendAsync(RequestMethod.Get, null, null, cancellationToken, nextLink: next);
            foreach (var item in page["value"]?.AsArray() ?? [])
            {
                var attributes = item?["attributes"];
                if (attributes?["enabled"]?.GetValue<bool>() != true) continue;
                if (attributes["exp"]?.GetValue<long>() is { } exp && DateTimeOffset.FromUnixTimeSeconds(exp) <= _clock.GetUtcNow()) continue;
                versions.Add((VersionOf(KidFromUrl(item!["kid"]?.GetValue<string>())), attributes["created"]?.GetValue<long>() ?? 0));
            }
            next = page["nextLink"]?.GetValue<string>();
        } while (!string.IsNullOrEmpty(next));

        var keys = new List<PublicJwk>();
        foreach (var (version, _) in versions.OrderByDescending(v => v.Created))
        {
            var bundle = await SendAsync(RequestMethod.Get, KeyPath(version), null, cancellationToken);
            var key = bundle["key"] ?? throw Unavailable("Key Vault returned no key");
            if (key["crv"]?.GetValue<string>() != "P-256") throw Unavailable($"key {_keyName}/{version} is not a P-256 key");
            keys.Add(new PublicJwk($"{_keyName}/{version}", key["x"]!.GetValue<string>(), key["y"]!.GetValue<string>()));
        }
        if (keys.Count == 0) throw Unavailable($"Key Vault key '{_keyName}' has no enabled version");
        return keys;
    }

    private string KeyPath(string? version) =>
        "/keys/" + Uri.EscapeDataString(_keyName) + (version is null ? "" : "/" + Uri.EscapeDataString(version));

    private async Task<JsonNode> SendAsync(RequestMethod method, string? path, JsonObject? body, CancellationToken ct,
        (string Name, string Value)? query = null, string? nextLink = null)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        if (nextLink is not null)
        {
            var uri = new Uri(nextLink);
            if (!string.Equals(uri.Host, _vault.Host, StringComparison.OrdinalIgnoreCase)) throw Unavailable("Key Vault nextLink points to another host");
            request.Uri.Reset(uri);
        }
        else
        {
            request.Uri.Reset(_vault);
            request.Uri.AppendPath(path!, escape: false);
            request.Uri.AppendQuery("api-version", ApiVersion);
            if (query is { } q) request.Uri.AppendQuery(q.Name, q.Value);
        }
        request.Headers.Add(HttpHeader.Names.Accept, "application/json");
        if (body is not null)
        {
            request.Headers.Add(HttpHeader.Names.ContentType, "application/json");
            request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body));
        }
        try
        {
            await _pipeline.SendAsync(message, ct);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException or IOException
                                  or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException
                                  || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw Unavailable("Key Vault is unreachable", e);
        }
        var response = message.Response;
        if (response.IsError) throw Unavailable($"Key Vault answered {response.Status}", new RequestFailedException(response));
        return JsonNode.Parse(response.Content.ToMemory().Span) ?? throw Unavailable("Key Vault returned an empty body");
    }

    private string KidFromUrl(string? url)
    {
        // https://{vault}/keys/{name}/{version}
        var segments = url is null ? [] : new Uri(url).AbsolutePath.Trim('/').Split('/');
        if (segments.Length != 3 || segments[0] != "keys" || segments[1] != _keyName) throw Unavailable($"unexpected Key Vault kid '{url}'");
        return $"{_keyName}/{segments[2]}";
    }

    private string VersionOf(string kid)
    {
        var slash = kid.LastIndexOf('/');
        if (slash <= 0 || kid[..slash] != _keyName) throw new ArgumentException($"kid '{kid}' is not a version of key '{_keyName}'", nameof(kid));
        return kid[(slash + 1)..];
    }

    private static ServiceUnavailableException Unavailable(string detail, Exception? inner = null) =>
        new($"signing is unavailable: {detail}", inner);
}
