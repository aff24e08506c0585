using Licensing.Domain.Activity;

namespace Licensing.Domain.Metrics;

/// <summary>Adds each flushed batch to its products' day: validations, valid validations and times to first validation.</summary>
public sealed class ValidationMetrics(IMetricsStore metrics) : IActivityBatchConsumer
{
    public async Task ConsumeAsync(ActivityBatch batch, CancellationToken ct)
    {
        var day = MetricDays.Of(batch.FlushedAt);
        foreach (var product in batch.Licenses.Where(f => !f.Recorded.Test).GroupBy(f => (f.Recorded.AccountId, f.Recorded.ProductId)))
        {
            long[] firsts = [.. product.Select(f => f.FirstValidationSeconds).OfType<long>()];
            await metrics.AddAsync(product.Key.AccountId, product.Key.ProductId, day, new MetricsDelta(
                Validations: product.Sum(f => f.Recorded.Count), ValidValidations: product.Sum(f => f.Recorded.ValidCount),
                FirstValidationSeconds: firsts.Length == 0 ? null : firsts), ct).ConfigureAwait(false);
        }
    }
}
