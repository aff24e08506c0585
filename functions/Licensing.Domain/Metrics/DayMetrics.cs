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
