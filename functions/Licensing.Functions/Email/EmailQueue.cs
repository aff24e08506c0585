using System.Text.Json;
using Licensing.Domain.Email;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Email;

public sealed record EmailQueueMessage(string AccountId, string EmailId);

public sealed class EmailQueue(QueueStorage queues) : IEmailQueue
{
    public Task EnqueueAsync(string accountId, string emailId, TimeSpan delay, CancellationToken ct) =>
        queues.SendAsync(QueueStorage.EmailOutbox, JsonSerializer.Serialize(new EmailQueueMessage(accountId, emailId), Http.Json.Options),
            delay > TimeSpan.Zero ? delay : null, ct);
}
