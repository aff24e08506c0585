using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Portal;

/// <summary>
/// Customer portal sign-in by e-mail link, on the founder sign-in's machinery (<see cref="SignInService"/>'s queue,
/// one-time token store, sessions and outbox). The public route checks the input and queues it; <see cref="ProcessAsync"/>
/// e-mails a link only when the address holds a license with that account, so the answer (always 202) says nothing.
/// A portal session is bound to one account and one address; it is never a founder's credential, nor the reverse.
/// </summary>
public sealed class PortalSignInService(IAccountStore accounts, ILicenseStore licenses, ISignInTokenStore tokens, ISessionStore sessions,
    EmailOutboxService outbox, SignInService founderSignIn, SignInLinks links, TimeProvider clock)
{
    /// <summary>Checks the route's account id (shape only: a well-formed unknown account gets the same answer) and the address.</summary>
    public static SignInRequest Parse(string accountId, string? email)
    {
        if (!Ids.IsAccountId(accountId)) throw new NotFoundException("there is no customer portal at this address");
        return SignInService.ParseSignIn(email) with { Purpose = PortalTokens.Purpose, AccountId = accountId };
    }

    /// <summary>Queues the request on the founder sign-in's queue (<see cref="SignInService.RequestAsync"/>).</summary>
    public Task RequestAsync(SignInRequest request, CancellationToken ct) => founderSignIn.RequestAsync(request, ct);

    /// <summary>Queue side: e-mails a portal link when the account exists and the address holds at least one of its licenses.</summary>
    public async Task<string> ProcessAsync(SignInRequest request, CancellationToken ct)
    {
        var accountId = request.AccountId ?? throw new InvalidOperationException("a portal sign-in request without an account");
        var account = await accounts.GetAsync(accountId, ct).ConfigureAwait(false);
        if (account is null) return "no such account: nothing sent";
        var now = clock.GetUtcNow();
        var held = await licenses.ListAsync(accountId, new LicenseQuery(null, request.Email, null, null, 1), now, ct).ConfigureAwait(false);
        if (held.Items.Count == 0) return "no license for the address in the account: nothing sent";
        var token = BearerTokens.New(PortalTokens.LinkPrefix);
        var hash = BearerTokens.Hash(token);
        await tokens.AddAsync(new SignInToken(PortalTokens.Purpose, request.Email, null, accountId, now, now + PortalTokens.LinkLifetime), hash, ct)
            .ConfigureAwait(false);
        var emailId = $"portal-{request.RequestId ?? hash[..32]}";
        var message = SignInEmail.Compose($"Your {account.Name} licenses: sign-in link",
            $"Open this link to see and manage your {account.Name} licenses:", request.Email, links.PortalSignIn(accountId, token), $"<{emailId}@licensing>");
        await outbox.QueueAsync(new OutboxEmail { AccountId = accountId, Id = emailId, Message = message, CreatedAt = now, Sensitive = true }, ct)
            .ConfigureAwait(false);
        return "portal link queued";
    }

    /// <summary>Exchanges a one-time portal link for a portal session of that account; null when used, expired, unknown or another account's.</summary>
    public async Task<(Session Session, string Token)?> ExchangeAsync(string accountId, string? token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stored = await tokens.ClaimAsync(token, PortalTokens.LinkPrefix, now, ct).ConfigureAwait(false);
        if (stored is null || stored.Purpose != PortalTokens.Purpose || stored.AccountId != accountId) return null;
        var session = new Session(BearerTokens.NewId(PortalTokens.SessionIdPrefix), accountId, now, now + PortalTokens.SessionLifetime)
        {
            CustomerEmail = stored.Email,
        };
        var sessionToken = BearerTokens.New(PortalTokens.SessionPrefix);
        await sessions.AddAsync(session, BearerTokens.Hash(sessionToken), ct).ConfigureAwait(false);
        return (session, sessionToken);
    }

    /// <summary>The customer a portal session token stands for in <paramref name="accountId"/>, or null (founder sessions and API keys included).</summary>
    public async Task<PortalCustomer?> AuthenticateAsync(string accountId, string? presented, CancellationToken ct)
    {
        if (!BearerTokens.Looks(presented, PortalTokens.SessionPrefix)) return null;
        var session = await sessions.GetAsync(BearerTokens.Hash(presented!), ct).ConfigureAwait(false);
        return session is { CustomerEmail: { } email } && session.AccountId == accountId && session.ExpiresAt > clock.GetUtcNow()
            ? new PortalCustomer(accountId, email, session.Id)
            : null;
    }

    public Task EndAsync(string sessionToken, CancellationToken ct) => founderSignIn.EndAsync(sessionToken, ct);
}
