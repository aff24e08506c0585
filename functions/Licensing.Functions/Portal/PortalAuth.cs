using Licensing.Domain.Common;
using Licensing.Domain.Portal;
using Licensing.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Portal;

/// <summary>
/// Bearer authentication of the customer portal's routes: only a portal session (<c>lcs_</c>) of the route's account is
/// accepted; a founder's session or API key, or another account's portal session, is 401. Failures are throttled per
/// client address like every other credential (<see cref="AbuseGuard.CheckAuthentication"/>).
/// </summary>
public sealed class PortalAuth(PortalSignInService signIn, AbuseGuard guard)
{
    public async Task<(PortalCustomer Customer, string Token)> RequireCustomerAsync(HttpRequest request, string accountId, CancellationToken ct)
    {
        var address = ClientAddress.Of(request);
        guard.CheckAuthentication(address);
        var token = RequestAuth.Bearer(request);
        if (await signIn.AuthenticateAsync(accountId, token, ct) is { } customer) return (customer, token!);
        guard.AuthenticationFailed(address);
        throw new UnauthorizedException(token is null
            ? "sign in to the customer portal first: Authorization: Bearer <portal session token>"
            : "the portal session is not valid here (ended, expired, or for another seller); sign in again");
    }
}
