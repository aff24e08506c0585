using System.Text.Json;
using Azure.Storage.Queues.Models;
using Licensing.Domain.Accounts;
using Licensing.Domain.Common;
using Licensing.Domain.Portal;
using Licensing.Functions.Http;
using Licensing.Functions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Accounts;

/// <summary>
/// Public sign-up and sign-in by e-mail link. Both answer 202 with one fixed body for every well-formed address, known or
/// not, after the same work (rate limits, one queue message): the lookup and the e-mail happen in
/// <see cref="ProcessSignInRequest"/>, so neither the answer nor its timing says whether an address owns an account.
/// </summary>
public sealed class SignInFunctions(SignInService signIn, PortalSignInService portal, AbuseGuard guard, ILogger<SignInFunctions> logger)
{
    public sealed record SignUpRequest(string? Email, string? Name);

    public sealed record SignInBody(string? Email);

    /// <summary>What both routes answer, whatever the address.</summary>
    public static readonly object AcceptedBody = new
    {
        status = "accepted",
        detail = "if the address can be used, an e-mail with a link is on its way; the link works once, within 15 minutes",
    };

    [Function(nameof(SignUp))]
    public async Task<IActionResult> SignUp([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/signup")] HttpRequest req, CancellationToken ct)
    {
        guard.CheckSignInAddress(ClientAddress.Of(req));
        var body = await RequestBody.ReadJsonAsync<SignUpRequest>(req, ct);
        return await AcceptAsync(SignInService.ParseSignUp(body.Email, body.Name), ct);
    }

    [Function(nameof(SignIn))]
    public async Task<IActionResult> SignIn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/signin")] HttpRequest req, CancellationToken ct)
    {
        guard.CheckSignInAddress(ClientAddress.Of(req));
        var body = await RequestBody.ReadJsonAsync<SignInBody>(req, ct);
        return await AcceptAsync(SignInService.ParseSignIn(body.Email), ct);
    }

    /// <summary>
    /// Queue-triggered: looks the address up, and e-mails a sign-up or sign-in link through the outbox (or nothing); a
    /// customer portal request (docs/portal.md) is looked up among the named account's licenses.
    /// </summary>
    [Function(nameof(ProcessSignInRequest))]
    public async Task ProcessSignInRequest([QueueTrigger(QueueStorage.SignInRequests, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken ct)
    {
        var request = JsonSerializer.Deserialize<SignInRequest>(message.MessageText, Json.Options)
            ?? throw new InvalidOperationException("empty signin-requests message");
        var outcome = request.Purpose == PortalTokens.Purpose ? await portal.ProcessAsync(request, ct) : await signIn.ProcessAsync(request, ct);
        // The address is personal data: the log says what happened, not to whom.
        logger.LogInformation("Sign-in request {MessageId} ({Purpose}): {Outcome}", message.MessageId, request.Purpose, outcome);
    }

    private async Task<IActionResult> AcceptAsync(SignInRequest request, CancellationToken ct)
    {
        guard.CheckSignInEmail(request.Email);
        await signIn.RequestAsync(request, ct);
        return new ApiJsonResult(StatusCodes.Status202Accepted, AcceptedBody);
    }
}
