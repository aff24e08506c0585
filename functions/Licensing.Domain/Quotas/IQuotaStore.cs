namespace Licensing.Domain.Quotas;

public sealed record AccountQuota(string AccountId, Tier Tier, int LicensesIssued);

/// <summary>
/// A license counted against its account's quota whose write is not confirmed yet: an issuance in flight, or one that
/// stopped between counting and settling. <see cref="Version"/> changes whenever the reservation is touched.
/// </summary>
public sealed record LicenseReservation(string LicenseId, DateTimeOffset TouchedAt, string Version);

public interface IQuotaStore
{
    Task<AccountQuota> GetAsync(string accountId, CancellationToken ct);

    Task ReplaceTierAsync(string accountId, Tier tier, CancellationToken ct);

    /// <summary>
    /// Counts license <paramref name="licenseId"/> against the quota once, however often its issuance is retried: the
    /// count, a permanent mark of the id and a pending reservation are written together. When the id is counted already
    /// nothing is counted again and its pending reservation, if any, is touched (so a reconciliation running at that
    /// moment leaves it alone). <see cref="QuotaExceededException"/> when no license is left. False when the tier has no
    /// license limit: nothing was counted, so nothing is to be settled.
    /// </summary>
    Task<bool> ReserveLicenseAsync(string accountId, string licenseId, DateTimeOffset now, CancellationToken ct);

    /// <summary>The license is written: its pending reservation is done and the count stays. A missing one is fine.</summary>
    Task SettleLicenseAsync(string accountId, string licenseId, CancellationToken ct);

    /// <summary>The reservations not settled yet.</summary>
    Task<IReadOnlyList<LicenseReservation>> ListPendingLicensesAsync(string accountId, CancellationToken ct);

    /// <summary>
    /// Gives back a reservation whose license was never written: removes it and the id's mark and takes one off the
    /// count together, only if the reservation is unchanged since <paramref name="reservation"/> was read. False when it
    /// changed or is gone.
    /// </summary>
    Task<bool> ReleaseLicenseAsync(string accountId, LicenseReservation reservation, CancellationToken ct);

    /// <summary>Adds validations to the account's month; returns the new total.</summary>
    Task<long> AddValidationsAsync(string accountId, string month, long count, CancellationToken ct);

    Task<long> GetValidationsAsync(string accountId, string month, CancellationToken ct);

    /// <summary>Marks the over-quota notice for the month as sent; true only the first time.</summary>
    Task<bool> MarkNotifiedAsync(string accountId, string month, CancellationToken ct);
}
