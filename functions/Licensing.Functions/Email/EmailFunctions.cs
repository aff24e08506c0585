using System.Text.Json;
using Azure.Storage.Queues.Models;
using Licensing.Domain.Accounts;
using Licensing.Domain.Email;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Functions.Http;
using Licensing.Functions.Storage;
using Licensing.Functions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Email;

public sealed class EmailFunctions(EmailOutboxService outbox, LicenseService licenses, IProductStore products, RequestAuth auth, TimeProvider clock,
    ILogger<EmailFunctions> logger)
{
    /// <summary>Queue-triggered: delivers one outbox e-mail (claim, send, record; retries with backoff).</summary>
    [Function(nameof(SendEmail))]
    public async Task SendEmail([QueueTrigger(QueueStorage.EmailOutbox, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken ct)
    {
        var body = JsonSerializer.Deserialize<EmailQueueMessage>(message.MessageText, Json.Options)
            ?? throw new InvalidOperationException("empty email-outbox message");
        using var scope = LogScopes.Begin(logger, body.AccountId);
        var outcome = await outbox.DeliverAsync(body.AccountId, body.EmailId, ct);
        logger.LogInformation("E-mail {EmailId} for {AccountId}: {Outcome}", body.EmailId, body.AccountId, outcome);
    }

    /// <summary>Account: sends the license e-mail again (a new outbox entry; answers at once).</summary>
    [Function(nameof(ResendLicenseEmail))]
    public async Task<IActionResult> ResendLicenseEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/licenses/{licenseId}/resend-email")] HttpRequest req, string licenseId,
        CancellationToken ct)
    {
        var accountId = (await auth.RequireAccountAsync(req, Scopes.LicensesWrite, ct)).AccountId;
        var license = await licenses.GetAsync(accountId, licenseId, ct);
        var product = await products.GetAsync(accountId, license.ProductId, ct);
        var email = LicenseEmail.Resend(license, product, clock.GetUtcNow());
        await outbox.QueueAsync(email, ct);
        return new ApiJsonResult(StatusCodes.Status202Accepted, new { emailId = email.Id, to = license.CustomerEmail });
    }
}
