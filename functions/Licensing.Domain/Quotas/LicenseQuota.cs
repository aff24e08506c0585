using Licensing.Domain.Common;
using Licensing.Domain.Licenses;

namespace Licensing.Domain.Quotas;

/// <summary>
/// Counts every license exactly once against its account's quota, whatever crashes and retries happen in between
/// (docs/quotas.md). Before a license is written, the count goes up together with a permanent mark of the license id
/// and a pending reservation; once the license is written the reservation is settled. A retry, or a concurrent
/// issuance, of the same license id finds the mark and counts nothing. A reservation whose license was provably never
/// written is given back by the reconciliation that runs before an issuance is refused for quota.
/// </summary>
public sealed class LicenseQuota(IQuotaStore quotas, ILicenseStore licenses, TimeProvider clock)
{
    /// <summary>
    /// A reservation touched more recently than this may belong to an issuance still in flight (counting and writing a
    /// license take well under a second; an HTTP invocation is cut off after minutes), so reconciliation leaves it.
    /// </summary>
    public static readonly TimeSpan InFlight = TimeSpan.FromMinutes(15);

    /// <summary>Counts <paramref name="licenseId"/>, once; false when the tier counts nothing.</summary>
    public async Task<bool> ReserveAsync(string accountId, string licenseId, CancellationToken ct)
    {
        try
        {
            return await quotas.ReserveLicenseAsync(accountId, licenseId, clock.GetUtcNow(), ct).ConfigureAwait(false);
        }
        catch (QuotaExceededException)
        {
            // Refuse only for licenses that exist or may still come to exist: give back what crashed issuances left first.
            if (await ReconcileAsync(accountId, ct).ConfigureAwait(false) == 0) throw;
        }
        return await quotas.ReserveLicenseAsync(accountId, licenseId, clock.GetUtcNow(), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The license is written. Best effort: a reservation left pending by a storage fault here is settled by the next
    /// reconciliation (its license exists), and the count is right either way.
    /// </summary>
    public async Task SettleAsync(string accountId, string licenseId, CancellationToken ct)
    {
        try
        {
            await quotas.SettleLicenseAsync(accountId, licenseId, ct).ConfigureAwait(false);
        }
        catch (ServiceUnavailableException)
        {
        }
    }

    /// <summary>
    /// Settles the pending reservations whose license exists and gives back those whose license was never written,
    /// leaving any touched within <see cref="InFlight"/>. Returns how many were given back.
    /// </summary>
    public async Task<int> ReconcileAsync(string accountId, CancellationToken ct)
    {
        var released = 0;
        foreach (var reservation in await quotas.ListPendingLicensesAsync(accountId, ct).ConfigureAwait(false))
        {
            if (clock.GetUtcNow() - reservation.TouchedAt < InFlight) continue;
            if (await licenses.GetAsync(accountId, reservation.LicenseId, ct).ConfigureAwait(false) is not null)
                await quotas.SettleLicenseAsync(accountId, reservation.LicenseId, ct).ConfigureAwait(false);
            else if (await quotas.ReleaseLicenseAsync(accountId, reservation, ct).ConfigureAwait(false))
                released++;
        }
        return released;
    }
}
