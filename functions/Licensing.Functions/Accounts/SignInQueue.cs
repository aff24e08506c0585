using System.Text.Json;
using Licensing.Domain.Accounts;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Accounts;

/// <summary>The <c>signin-requests</c> queue: one message per accepted sign-up or sign-in request (no secret in it).</summary>
public sealed class SignInQueue(QueueStorage queues) : ISignInQueue
{
    public Task EnqueueAsync(SignInRequest request, CancellationToken ct) =>
        queues.SendAsync(QueueStorage.SignInRequests, JsonSerializer.Serialize(request, Http.Json.Options), null, ct);
}
