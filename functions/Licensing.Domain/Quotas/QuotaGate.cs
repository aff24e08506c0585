using Licensing.Domain.Common;

namespace Licensing.Domain.Quotas;

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

    /// <summary>Reloads the hot accounts' states (read at or after <paramref name="readSince"/>) that expire within <paramref name="lead"/>.</summary>
    public Task<int> RefreshDueAsync(DateTimeOffset readSince, TimeSpan lead, int max, CancellationToken ct) =>
        _cache.RefreshDueAsync(readSince, lead, max, this, static (gate, accountId, token) => gate.LoadAsync(accountId, token), ct);

    private async Task<bool> LoadAsync(string accountId, CancellationToken ct)
    {
        var quota = await store.GetAsync(accountId, ct).ConfigureAwait(false);
        return quota.Tier.MaxValidationsPerMonth is { } max
            && await store.GetValidationsAsync(accountId, Month(clock.GetUtcNow()), ct).ConfigureAwait(false) > max;
    }
}
