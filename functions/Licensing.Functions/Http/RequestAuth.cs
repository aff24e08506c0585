using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Http;

/// <summary>Bearer authentication for admin and account endpoints (docs/accounts.md).</summary>
/// <remarks>Failed attempts are throttled per client address (<see cref="AbuseGuard.CheckAuthentication"/>).</remarks>
public sealed class RequestAuth(Authenticator authenticator, IOptions<LicensingOptions> options, AbuseGuard guard)
{
    /// <summary>
    /// The credential the request carries (an API key or a session token), which must allow <paramref name="scope"/>
    /// (<see cref="Scopes"/>): 401 without a valid one, 403 when it lacks the scope.
    /// </summary>
    public async Task<Credential> RequireAccountAsync(HttpRequest request, string scope, CancellationToken ct) =>
        (await AuthenticateAsync(request, scope, ct)).Credential;

    /// <summary>A session's own routes (ending it): 401 without a valid credential, 403 for an API key.</summary>
    public async Task<(Credential Credential, string Token)> RequireSessionAsync(HttpRequest request, CancellationToken ct)
    {
        var (credential, token) = await AuthenticateAsync(request, Scopes.All, ct);
        if (credential.Actor.Type != Domain.Audit.Actor.SessionType)
            throw new ForbiddenException("only a session can end itself; an API key is revoked with DELETE /v1/api-keys/{id}");
        return (credential, token);
    }

    private async Task<(Credential Credential, string Token)> AuthenticateAsync(HttpRequest request, string scope, CancellationToken ct)
    {
        var address = ClientAddress.Of(request);
        guard.CheckAuthentication(address);
        var token = Bearer(request);
        if (token is not null && await authenticator.AuthenticateAsync(token, ct) is { } credential)
        {
            if (!credential.Allows(scope)) throw new ForbiddenException($"this API key lacks the '{scope}' scope");
            return (credential, token);
        }
        guard.AuthenticationFailed(address);
        throw new UnauthorizedException(token is null
            ? "an account API key or session token is required: Authorization: Bearer <key>"
            : "the API key or session token is not valid (revoked, expired or unknown)");
    }

    /// <summary>Admin endpoints: the configured admin key, compared in constant time.</summary>
    public void RequireAdmin(HttpRequest request)
    {
        var address = ClientAddress.Of(request);
        guard.CheckAuthentication(address);
        var token = Bearer(request);
        var adminKey = options.Value.AdminKey;
        if (string.IsNullOrEmpty(adminKey)) throw new UnauthorizedException($"admin endpoints are disabled: {LicensingOptions.Section}:AdminKey is not set");
        if (token is not null && ApiKeys.SecretEquals(token, adminKey)) return;
        guard.AuthenticationFailed(address);
        if (token is null) throw new UnauthorizedException("the admin key is required: Authorization: Bearer <admin key>");
        if (ApiKeys.LooksLikeKey(token) || BearerTokens.Looks(token, SessionTokens.Prefix))
            throw new ForbiddenException("an account API key or session cannot call admin endpoints");
        throw new UnauthorizedException("the admin key is not valid");
    }

    /// <summary>The <c>Authorization: Bearer</c> secret, or null.</summary>
    public static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.Length <= scheme.Length || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = header[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
