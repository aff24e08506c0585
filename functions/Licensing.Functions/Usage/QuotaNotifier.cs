using Azure.Data.Tables;
using Licensing.Domain.Email;
using Licensing.Domain.Quotas;
using Licensing.Functions.Storage;

namespace Licensing.Functions.Usage;

/// <summary>E-mails the account owner once a month when validations pass the tier's quota (degraded mode).</summary>
public sealed class QuotaNotifier(TableStorage tables, EmailOutboxService outbox, TimeProvider clock) : IQuotaNotifier
{
    public async Task NotifyOverValidationQuotaAsync(string accountId, string month, long validations, long limit, CancellationToken ct)
    {
        var account = await StorageFaults.Guard(() => tables.Accounts.GetEntityIfExistsAsync<TableEntity>(accountId, "", ["Email", "Name"], ct), ct);
        if (!account.HasValue) return;
        var to = account.Value!.GetString("Email");
        var id = $"quota-{month}";
        var text = $"""
            Your licensing account has answered {validations:N0} validations in {month}; your plan includes {limit:N0}.

            Nothing is switched off: your customers' products keep validating normally. To shed load, clients are asked
            to re-validate weekly instead of on your plan's schedule until the month ends or the account is upgraded.
            """;
        var html = "<p>" + System.Net.WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal) + "</p>";
        await outbox.QueueAsync(new OutboxEmail
        {
            AccountId = accountId,
            Id = id,
            Message = new EmailMessage(to, $"Validation quota reached for {month}", text, html, $"<{id}-{accountId}@licensing>"),
            CreatedAt = clock.GetUtcNow(),
        }, ct);
    }
}
