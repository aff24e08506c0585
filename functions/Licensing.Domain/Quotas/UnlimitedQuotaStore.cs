namespace Licensing.Domain.Quotas;

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
