using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Accounts;

/// <summary>Dashboard sessions: a one-time sign-in token becomes a session token (≤ 24 h, every scope); a session ends itself.</summary>
public sealed class SessionFunctions(SignInService signIn, RequestAuth auth, AbuseGuard guard)
{
    public sealed record CreateSessionRequest(string? Token);

    [Function(nameof(CreateSession))]
    public async Task<IActionResult> CreateSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/sessions")] HttpRequest req, CancellationToken ct)
    {
        // A token is a credential: wrong ones count as failed authentications from the address.
        var address = ClientAddress.Of(req);
        guard.CheckAuthentication(address);
        var body = await RequestBody.ReadJsonAsync<CreateSessionRequest>(req, ct);
        if (string.IsNullOrEmpty(body.Token)) throw ValidationFailedException.For("token", "is required: the token from the sign-in link");
        if (await signIn.ExchangeAsync(body.Token, ct) is not var (session, sessionToken))
        {
            guard.AuthenticationFailed(address);
            throw new UnauthorizedException("the sign-in link was used already, has expired or is unknown; ask for a new one");
        }
        return new ApiJsonResult(StatusCodes.Status201Created, new { sessionToken, accountId = session.AccountId, expiresAt = session.ExpiresAt });
    }

    [Function(nameof(EndSession))]
    public async Task<IActionResult> EndSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/sessions/current")] HttpRequest req, CancellationToken ct)
    {
        var (_, token) = await auth.RequireSessionAsync(req, ct);
        await signIn.EndAsync(token, ct);
        return new StatusOnlyResult(StatusCodes.Status204NoContent);
    }
}
