using Licensing.Domain.Accounts;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Accounts;

/// <summary>An account's API keys: create (the secret shown once), list (never the secret), revoke.</summary>
public sealed class ApiKeyFunctions(ApiKeyService keys, RequestAuth auth)
{
    public sealed record CreateApiKeyRequest(string? Name, string?[]? Scopes);

    [Function(nameof(CreateApiKey))]
    public async Task<IActionResult> CreateApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/api-keys")] HttpRequest req, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.ApiKeysWrite, ct);
        var body = await RequestBody.ReadJsonAsync<CreateApiKeyRequest>(req, ct);
        var (key, secret) = await keys.CreateAsync(caller, body.Name, body.Scopes, ct);
        return new ApiJsonResult(StatusCodes.Status201Created,
            new { id = key.Id, name = key.Name, scopes = key.Scopes, apiKey = secret, prefix = key.Prefix, createdAt = key.CreatedAt });
    }

    [Function(nameof(ListApiKeys))]
    public async Task<IActionResult> ListApiKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/api-keys")] HttpRequest req, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.ApiKeysWrite, ct);
        var items = (await keys.ListAsync(caller.AccountId, ct)).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)
            .Select(k => new { id = k.Id, name = k.Name, scopes = k.Scopes, prefix = k.Prefix, createdAt = k.CreatedAt, lastUsedAt = k.LastUsedAt });
        return new ApiJsonResult(StatusCodes.Status200OK, new { items });
    }

    [Function(nameof(RevokeApiKey))]
    public async Task<IActionResult> RevokeApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/api-keys/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var caller = await auth.RequireAccountAsync(req, Scopes.ApiKeysWrite, ct);
        await keys.RevokeAsync(caller.AccountId, id, ct);
        return new StatusOnlyResult(StatusCodes.Status204NoContent);
    }
}
