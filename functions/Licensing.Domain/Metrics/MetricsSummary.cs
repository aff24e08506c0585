namespace Licensing.Domain.Metrics;

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
