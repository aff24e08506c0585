using Licensing.Domain.Email;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Email;

public sealed record EmailQueueMessage(string AccountId, string EmailId);

public sealed class EmailQueue(QueueStorage queues) : IEmailQueue
{
    public Task EnqueueAsync(string accountId, string emailId, TimeSpan delay, CancellationToken ct) =>
        queues.SendJsonAsync(QueueStorage.EmailOutbox, new EmailQueueMessage(accountId, emailId), delay, ct);
}
