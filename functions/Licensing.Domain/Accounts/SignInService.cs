using Licensing.Domain.Common;
using Licensing.Domain.Email;

namespace Licensing.Domain.Accounts;

/// <summary>
/// A sign-up or sign-in asked for on the public routes, waiting to be looked up and e-mailed in the background.
/// <see cref="RequestId"/> (given when queued) names its e-mail, so a request delivered twice e-mails once. A customer
/// portal sign-in (purpose <c>portal</c>) names the vendor's <see cref="AccountId"/>.
/// </summary>
public sealed record SignInRequest(string Purpose, string Email, string? Name, string? RequestId = null, string? AccountId = null);

/// <summary>The queue of <see cref="SignInRequest"/>s: the public routes only queue, so every address costs them the same.</summary>
public interface ISignInQueue
{
    Task EnqueueAsync(SignInRequest request, CancellationToken ct);
}

/// <summary>Where sign-in links point: the dashboard's sign-in page, which exchanges <c>token</c> for a session.</summary>
public sealed record SignInLinks(Uri DashboardUrl)
{
    /// <summary>From the configured base URL; a path without a trailing slash is a folder (<c>/app</c> links to <c>/app/signin</c>).</summary>
    public static SignInLinks From(string dashboardUrl) => new(new Uri(dashboardUrl.EndsWith('/') ? dashboardUrl : dashboardUrl + "/"));

    public Uri For(string token) => new(DashboardUrl, "signin?token=" + Uri.EscapeDataString(token));

    /// <summary>An account's customer portal (the link a founder gives customers).</summary>
    public Uri Portal(string accountId) => new(DashboardUrl, "portal/" + Uri.EscapeDataString(accountId));

    /// <summary>The customer portal's sign-in landing, which exchanges <c>token</c> for a portal session.</summary>
    public Uri PortalSignIn(string accountId, string token) => new(Portal(accountId) + "/signin?token=" + Uri.EscapeDataString(token));
}

/// <summary>
/// Sign-up and sign-in by e-mail link. The public routes check the input and queue it (<see cref="RequestAsync"/>); the
/// lookup, the one-time token and the e-mail happen in <see cref="ProcessAsync"/>, off the request, so known and unknown
/// addresses get the same answer in the same time. A token is random, stored only as its hash, valid
/// <see cref="SignInTokens.Lifetime"/> and used once (<see cref="ExchangeAsync"/>).
/// </summary>
public sealed class SignInService(IAccountStore accounts, ISignInTokenStore tokens, ISessionStore sessions, EmailOutboxService outbox,
    ISignInQueue queue, SignInLinks links, TimeProvider clock)
{
    /// <summary>The outbox partition of sign-up e-mails (there is no account yet).</summary>
    public const string SignUpOutbox = "signup";

    public static SignInRequest ParseSignUp(string? email, string? name)
    {
        var errors = new FieldErrors();
        var address = ParseEmail(email, errors);
        var trimmed = AccountService.ValidName(name, errors);
        errors.ThrowIfAny();
        return new SignInRequest(SignInToken.SignUp, address!, trimmed);
    }

    public static SignInRequest ParseSignIn(string? email)
    {
        var errors = new FieldErrors();
        var address = ParseEmail(email, errors);
        errors.ThrowIfAny();
        return new SignInRequest(SignInToken.SignIn, address!, null);
    }

    public Task RequestAsync(SignInRequest request, CancellationToken ct) =>
        queue.EnqueueAsync(request with { RequestId = BearerTokens.NewId("req_") }, ct);

    /// <summary>
    /// Looks the address up and e-mails a link: sign-in when it owns an account (also for a sign-up: the owner is told
    /// how to get in, and no second account is made), sign-up when it does not and a sign-up was asked, else nothing.
    /// </summary>
    public async Task<string> ProcessAsync(SignInRequest request, CancellationToken ct)
    {
        var accountId = await accounts.GetAccountIdByEmailAsync(request.Email, ct).ConfigureAwait(false);
        if (accountId is null && request.Purpose != SignInToken.SignUp) return "no account for the address: nothing sent";
        var now = clock.GetUtcNow();
        var purpose = accountId is null ? SignInToken.SignUp : SignInToken.SignIn;
        var token = BearerTokens.New(SignInTokens.Prefix);
        var hash = BearerTokens.Hash(token);
        await tokens.AddAsync(new SignInToken(purpose, request.Email, request.Name, accountId, now, now + SignInTokens.Lifetime), hash, ct)
            .ConfigureAwait(false);
        // Named by the request: a second delivery of it finds its e-mail queued and sends nothing more (its token is never sent).
        var emailId = $"{purpose}-{request.RequestId ?? hash[..32]}";
        var message = SignInEmail.Compose(purpose, request.Email, links.For(token), $"<{emailId}@licensing>");
        await outbox.QueueAsync(new OutboxEmail
        {
            AccountId = accountId ?? SignUpOutbox,
            Id = emailId,
            Message = message,
            CreatedAt = now,
            Sensitive = true,
        }, ct).ConfigureAwait(false);
        return $"{purpose} link queued";
    }

    /// <summary>
    /// Exchanges a one-time token for a session; null when the token is unknown, expired or already used. Of any number
    /// of concurrent exchanges of one token exactly one wins (an ETag-conditional delete). A sign-up token creates the
    /// account on the <c>free</c> tier, unless the address got one meanwhile: then it signs in to that one.
    /// </summary>
    public async Task<(Session Session, string Token)?> ExchangeAsync(string? token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stored = await tokens.ClaimAsync(token, SignInTokens.Prefix, now, ct).ConfigureAwait(false);
        if (stored is null || stored.Purpose is not (SignInToken.SignUp or SignInToken.SignIn)) return null;

        var accountId = stored.AccountId;
        if (accountId is null)
        {
            accountId = await accounts.AddEmailAsync(stored.Email, Ids.NewAccountId(), ct).ConfigureAwait(false);
            // Add-if-absent: also completes an account whose index entry was written by an exchange that stopped here.
            await accounts.AddAsync(new Account(accountId, stored.Name ?? stored.Email, stored.Email, now, Quotas.Tier.Free.Name), ct).ConfigureAwait(false);
        }
        var session = new Session(BearerTokens.NewId(SessionTokens.IdPrefix), accountId, now, now + SessionTokens.Lifetime);
        var sessionToken = BearerTokens.New(SessionTokens.Prefix);
        await sessions.AddAsync(session, BearerTokens.Hash(sessionToken), ct).ConfigureAwait(false);
        return (session, sessionToken);
    }

    /// <summary>Ends the session a token stands for (it is refused from the next request on, on every instance).</summary>
    public Task EndAsync(string sessionToken, CancellationToken ct) => sessions.DeleteAsync(BearerTokens.Hash(sessionToken), ct);

    private static string? ParseEmail(string? email, FieldErrors errors)
    {
        var address = EmailAddress.Normalize(email);
        if (address is null) errors.Add("email", "must be a valid e-mail address");
        return address;
    }
}
