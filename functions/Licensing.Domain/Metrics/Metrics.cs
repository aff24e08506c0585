namespace Licensing.Domain.Metrics;

/// <summary>One product's day: event counters (added as things happen) and a snapshot (written by the roll-up).</summary>
public sealed record DayMetrics
{
    public required string Day { get; init; }
    public long Validations { get; init; }
    public long ValidValidations { get; init; }
    public long Renewals { get; init; }
    public long Expirations { get; init; }
    public IReadOnlyList<long> FirstValidationSeconds { get; init; } = [];
    public long? Issued { get; init; }
    public long? Active { get; init; }
    public long? ActiveDomains { get; init; }
}

public sealed record MetricsDelta(long Validations = 0, long ValidValidations = 0, long Renewals = 0, long Expirations = 0,
    IReadOnlyList<long>? FirstValidationSeconds = null);

public interface IMetricsStore
{
    /// <summary>Adds to a product's day (ETag-conditional read-modify-write).</summary>
    Task AddAsync(string accountId, string productId, string day, MetricsDelta delta, CancellationToken ct);

    Task UpsertSnapshotAsync(string accountId, string productId, string day, long issued, long active, long activeDomains, CancellationToken ct);

    Task<IReadOnlyList<DayMetrics>> ListAsync(string accountId, string productId, string fromDay, string toDay, CancellationToken ct);
}

public static class MetricDays
{
    public static string Of(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The five founder metrics over a range, computed from daily rows. Definitions: docs/metrics.md.</summary>
public sealed record MetricsSummary(
    double? ValidationSuccessRate, long Validations, long ValidValidations,
    long? Issued, long? Active, double? DomainToLicenseRatio,
    double? RenewalRate, long Renewals, long Expirations,
    long FirstValidations, double? MeanSecondsToFirstValidation, double? MedianSecondsToFirstValidation)
{
    public static MetricsSummary From(IReadOnlyList<DayMetrics> days)
    {
        long validations = days.Sum(d => d.Validations), valid = days.Sum(d => d.ValidValidations);
        long renewals = days.Sum(d => d.Renewals), expirations = days.Sum(d => d.Expirations);
        var latest = days.Where(d => d.Issued is not null).OrderBy(d => d.Day, StringComparer.Ordinal).LastOrDefault();
        var firsts = days.SelectMany(d => d.FirstValidationSeconds).Order().ToArray();
        double? median = firsts.Length == 0 ? null : firsts.Length % 2 == 1 ? firsts[firsts.Length / 2]
            : (firsts[firsts.Length / 2 - 1] + firsts[firsts.Length / 2]) / 2.0;
        return new MetricsSummary(
            validations == 0 ? null : (double)valid / validations, validations, valid,
            latest?.Issued, latest?.Active, latest is { Active: > 0 } ? (double)latest.ActiveDomains!.Value / latest.Active.Value : null,
            renewals + expirations == 0 ? null : (double)renewals / (renewals + expirations), renewals, expirations,
            firsts.Length, firsts.Length == 0 ? null : firsts.Average(), median);
    }
}
