using Licensing.Domain.Accounts;
using Licensing.Domain.Email;
using Licensing.Domain.Quotas;

namespace Licensing.Functions.Quotas;

/// <summary>E-mails the account owner once a month when validations pass the tier's quota (degraded mode).</summary>
public sealed class QuotaNotifier(IAccountStore accounts, EmailOutboxService outbox, TimeProvider clock) : IQuotaNotifier
{
    public async Task NotifyOverValidationQuotaAsync(string accountId, string month, long validations, long limit, CancellationToken ct)
    {
        if (await accounts.GetAsync(accountId, ct) is not { } account) return;
        var to = account.Email;
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
