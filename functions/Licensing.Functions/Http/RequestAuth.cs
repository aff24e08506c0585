using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Licensing.Functions.Http;

/// <summary>Bearer authentication for admin and account endpoints (API.md "Authentication").</summary>
/// <remarks>Failed attempts are throttled per client address (<see cref="AbuseGuard.CheckAuthentication"/>).</remarks>
public sealed class RequestAuth(AccountService accounts, IOptions<LicensingOptions> options, AbuseGuard guard)
{
    /// <summary>
    /// The credential the request carries, which must allow <paramref name="scope"/> (<see cref="Scopes"/>): 401 without
    /// a valid one, 403 when it lacks the scope.
    /// </summary>
    public async Task<Credential> RequireAccountAsync(HttpRequest request, string scope, CancellationToken ct)
    {
        var address = ClientAddress.Of(request);
        guard.CheckAuthentication(address);
        var token = Bearer(request);
        if (token is not null && await accounts.AuthenticateAsync(token, ct) is { } credential)
        {
            if (!credential.Allows(scope)) throw new ForbiddenException($"this API key lacks the '{scope}' scope");
            return credential;
        }
        guard.AuthenticationFailed(address);
        throw new UnauthorizedException(token is null ? "an account API key is required: Authorization: Bearer <key>" : "the API key is not valid");
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
        if (ApiKeys.LooksLikeKey(token)) throw new ForbiddenException("an account API key cannot call admin endpoints");
        throw new UnauthorizedException("the admin key is not valid");
    }

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.Length <= scheme.Length || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = header[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
