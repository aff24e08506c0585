namespace Licensing.Domain.Usage;

/// <summary>
/// Usage reports as a ledger: one row per report, keyed by its idempotency key, in a partition per license and
/// period. An insert either lands once or is a duplicate, so concurrent reports are never lost or doubled; the total
/// is the sum of the partition.
/// </summary>
public interface IUsageLedger
{
    /// <summary>Records a report; false when the idempotency key was already recorded (nothing added).</summary>
    Task<bool> AddAsync(string accountId, string licenseId, string period, string idempotencyKey, long quantity, DateTimeOffset at, CancellationToken ct);

    Task<long> GetTotalAsync(string accountId, string licenseId, string period, CancellationToken ct);
}

/// <summary>A period's <c>usage.limit_reached</c> mark, beside the ledger (<see cref="UsageLimitEvents"/>).</summary>
public interface IUsageLimitMarks
{
    /// <summary>The period's mark, or null.</summary>
    Task<UsageLimitMark?> GetLimitMarkAsync(string accountId, string licenseId, string period, CancellationToken ct);

    /// <summary>Adds the mark only if the period has none; false when another report's is there.</summary>
    Task<bool> AddLimitMarkAsync(string accountId, string licenseId, string period, UsageLimitMark mark, CancellationToken ct);

    /// <summary>Notes that the mark's record is journaled.</summary>
    Task MarkLimitJournaledAsync(string accountId, string licenseId, string period, CancellationToken ct);
}
