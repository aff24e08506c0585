using Licensing.Domain.Common;

namespace Licensing.Domain.Quotas;

/// <summary>An account's plan with this service. docs/quotas.md.</summary>
public sealed record Tier(string Name, int? MaxLicenses, long? MaxValidationsPerMonth)
{
    public static Tier Free { get; } = new("free", 5, 500);
    public static Tier Pro { get; } = new("pro", 1_000, 100_000);
    public static Tier Business { get; } = new("business", 25_000, 5_000_000);
    public static Tier Unlimited { get; } = new("unlimited", null, null);

    public static IReadOnlyList<Tier> All { get; } = [Free, Pro, Business, Unlimited];

    public static Tier? Parse(string? name) => All.FirstOrDefault(t => t.Name == name);
}

/// <summary>Issuing over the account's license quota: 403 QUOTA_EXCEEDED.</summary>
public sealed class QuotaExceededException(string detail) : LicensingException(detail);

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

/// <summary>
/// Whether an account is past its monthly validations, cached per instance for a minute so the hot path reads
/// memory. Past the quota validation enters the degraded mode: verdicts are unchanged (a customer's shipped product
/// never breaks because its vendor is over quota), but revalidateAfter stretches to <see cref="DegradedRevalidateAfter"/>
/// to shed load, and the account is e-mailed once a month.
/// </summary>
public sealed class QuotaGate(IQuotaStore store, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DegradedRevalidateAfter = TimeSpan.FromDays(7);
    private readonly TtlCache<string, bool> _cache = new(clock, Ttl);

    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    public ValueTask<bool> IsOverValidationQuotaAsync(string accountId, CancellationToken ct) =>
        _cache.GetAsync(accountId, (Gate: this, AccountId: accountId), static (s, token) => s.Gate.LoadAsync(s.AccountId, token), ct);

    public void Forget(string accountId) => _cache.Remove(accountId);

    private async Task<bool> LoadAsync(string accountId, CancellationToken ct)
    {
        var quota = await store.GetAsync(accountId, ct).ConfigureAwait(false);
        return quota.Tier.MaxValidationsPerMonth is { } max
            && await store.GetValidationsAsync(accountId, Month(clock.GetUtcNow()), ct).ConfigureAwait(false) > max;
    }
}

/// <summary>A quota store with no limits and no counting: for hosts without tiers (benchmarks, self-hosting, pure tests).</summary>
public sealed class UnlimitedQuotaStore : IQuotaStore
{
    public Task<AccountQuota> GetAsync(string accountId, CancellationToken ct) => Task.FromResult(new AccountQuota(accountId, Tier.Unlimited, 0));
    public Task ReplaceTierAsync(string accountId, Tier tier, CancellationToken ct) => Task.CompletedTask;
    public Task<bool> ReserveLicenseAsync(string accountId, string licenseId, DateTimeOffset now, CancellationToken ct) => Task.FromResult(false);
    public Task SettleLicenseAsync(string accountId, string licenseId, CancellationToken ct) => Task.CompletedTask;
    public Task<IReadOnlyList<LicenseReservation>> ListPendingLicensesAsync(string accountId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<LicenseReservation>>([]);
    public Task<bool> ReleaseLicenseAsync(string accountId, LicenseReservation reservation, CancellationToken ct) => Task.FromResult(false);
    public Task<long> AddValidationsAsync(string accountId, string month, long count, CancellationToken ct) => Task.FromResult(count);
    public Task<long> GetValidationsAsync(string accountId, string month, CancellationToken ct) => Task.FromResult(0L);
    public Task<bool> MarkNotifiedAsync(string accountId, string month, CancellationToken ct) => Task.FromResult(false);
}
