using Licensing.Domain.Common;
using Licensing.Domain.Portal;
using Licensing.Functions.Accounts;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Functions.Portal;

/// <summary>
/// Customer portal sign-in (docs/portal.md): an address asks for a link (always 202, same body, same work: the lookup
/// happens in the sign-in queue), the link's one-time token becomes a portal session of that account, and the session
/// ends itself.
/// </summary>
public sealed class PortalSessionFunctions(PortalSignInService signIn, PortalAuth auth, AbuseGuard guard)
{
    public sealed record SignInBody(string? Email);

    public sealed record SessionBody(string? Token);

    [Function(nameof(PortalSignIn))]
    public async Task<IActionResult> PortalSignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/portal/{accountId}/signin")] HttpRequest req, string accountId, CancellationToken ct)
    {
        guard.CheckSignInAddress(ClientAddress.Of(req));
        var body = await RequestBody.ReadJsonAsync<SignInBody>(req, ct);
        var request = PortalSignInService.Parse(accountId, body.Email);
        // Per vendor and address: one seller's customers cannot use up another seller's portal for the same address.
        guard.CheckSignInEmail($"{accountId}/{request.Email}");
        await signIn.RequestAsync(request, ct);
        return new ApiJsonResult(StatusCodes.Status202Accepted, SignInFunctions.AcceptedBody);
    }

    [Function(nameof(CreatePortalSession))]
    public async Task<IActionResult> CreatePortalSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/portal/{accountId}/sessions")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var address = ClientAddress.Of(req);
        guard.CheckAuthentication(address);
        var body = await RequestBody.ReadJsonAsync<SessionBody>(req, ct);
        if (string.IsNullOrEmpty(body.Token)) throw ValidationFailedException.For("token", "is required: the token from the sign-in link");
        if (await signIn.ExchangeAsync(accountId, body.Token, ct) is not var (session, sessionToken))
        {
            guard.AuthenticationFailed(address);
            throw new UnauthorizedException("the sign-in link was used already, has expired or is unknown; ask for a new one");
        }
        return new ApiJsonResult(StatusCodes.Status201Created, new { sessionToken, accountId = session.AccountId, expiresAt = session.ExpiresAt });
    }

    [Function(nameof(EndPortalSession))]
    public async Task<IActionResult> EndPortalSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/portal/{accountId}/sessions/current")] HttpRequest req, string accountId,
        CancellationToken ct)
    {
        var (_, token) = await auth.RequireCustomerAsync(req, accountId, ct);
        await signIn.EndAsync(token, ct);
        return new StatusOnlyResult(StatusCodes.Status204NoContent);
    }
}
