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

public interface IQuotaStore
{
    Task<AccountQuota> GetAsync(string accountId, CancellationToken ct);

    Task SetTierAsync(string accountId, Tier tier, CancellationToken ct);

    /// <summary>
    /// Takes one license from the quota (ETag-conditional increment); <see cref="QuotaExceededException"/> when none is
    /// left. False when the tier has no license limit: nothing was counted, so nothing is to be given back.
    /// </summary>
    Task<bool> ReserveLicenseAsync(string accountId, CancellationToken ct);

    /// <summary>Gives back a reservation whose license was not created.</summary>
    Task ReleaseLicenseAsync(string accountId, CancellationToken ct);

    /// <summary>Adds validations to the account's month; returns the new total.</summary>
    Task<long> AddValidationsAsync(string accountId, string month, long count, CancellationToken ct);

    Task<long> ValidationsAsync(string accountId, string month, CancellationToken ct);

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
        return quota.Tier.MaxValidationsPerMonth is { } max && await store.ValidationsAsync(accountId, Month(clock.GetUtcNow()), ct).ConfigureAwait(false) > max;
    }
}

/// <summary>A quota store with no limits and no counting: for hosts without tiers (benchmarks, self-hosting, pure tests).</summary>
public sealed class UnlimitedQuotaStore : IQuotaStore
{
    public Task<AccountQuota> GetAsync(string accountId, CancellationToken ct) => Task.FromResult(new AccountQuota(accountId, Tier.Unlimited, 0));
    public Task SetTierAsync(string accountId, Tier tier, CancellationToken ct) => Task.CompletedTask;
    public Task<bool> ReserveLicenseAsync(string accountId, CancellationToken ct) => Task.FromResult(false);
    public Task ReleaseLicenseAsync(string accountId, CancellationToken ct) => Task.CompletedTask;
    public Task<long> AddValidationsAsync(string accountId, string month, long count, CancellationToken ct) => Task.FromResult(count);
    public Task<long> ValidationsAsync(string accountId, string month, CancellationToken ct) => Task.FromResult(0L);
    public Task<bool> MarkNotifiedAsync(string accountId, string month, CancellationToken ct) => Task.FromResult(false);
}
