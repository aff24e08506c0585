namespace Licensing.Domain.Metrics;

public sealed record MetricsDelta(long Validations = 0, long ValidValidations = 0, long Renewals = 0, long Expirations = 0,
    IReadOnlyList<long>? FirstValidationSeconds = null);

public interface IMetricsStore
{
    /// <summary>Adds to a product's day (ETag-conditional read-modify-write).</summary>
    Task AddAsync(string accountId, string productId, string day, MetricsDelta delta, CancellationToken ct);

    Task UpsertSnapshotAsync(string accountId, string productId, string day, long issued, long active, long activeDomains, CancellationToken ct);

    Task<IReadOnlyList<DayMetrics>> ListAsync(string accountId, string productId, string fromDay, string toDay, CancellationToken ct);
}
