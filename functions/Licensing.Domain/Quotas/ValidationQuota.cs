using Licensing.Domain.Activity;

namespace Licensing.Domain.Quotas;

/// <summary>
/// Adds each flushed batch to its accounts' monthly validations and tells an account, once a month, when it passes
/// its tier's quota (docs/quotas.md).
/// </summary>
public sealed class ValidationQuota(IQuotaStore quotas, IQuotaNotifier notifier) : IActivityBatchConsumer
{
    public async Task ConsumeAsync(ActivityBatch batch, CancellationToken ct)
    {
        var month = QuotaGate.Month(batch.FlushedAt);
        foreach (var account in batch.Licenses.Where(f => !f.Recorded.Test).GroupBy(f => f.Recorded.AccountId))
        {
            var total = await quotas.AddValidationsAsync(account.Key, month, account.Sum(f => f.Recorded.Count), ct).ConfigureAwait(false);
            var quota = await quotas.GetAsync(account.Key, ct).ConfigureAwait(false);
            if (quota.Tier.MaxValidationsPerMonth is { } max && total > max && await quotas.MarkNotifiedAsync(account.Key, month, ct).ConfigureAwait(false))
                await notifier.NotifyOverValidationQuotaAsync(account.Key, month, total, max, ct).ConfigureAwait(false);
        }
    }
}
