namespace Licensing.Domain.Quotas;

/// <summary>Tells an account it went past its monthly validation quota (once a month).</summary>
public interface IQuotaNotifier
{
    Task NotifyOverValidationQuotaAsync(string accountId, string month, long validations, long limit, CancellationToken ct);
}
