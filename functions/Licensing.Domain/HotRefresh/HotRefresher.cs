using Licensing.Domain.Products;
using Licensing.Domain.Quotas;

namespace Licensing.Domain.HotRefresh;

/// <summary>
/// One refresh round over every cache a validation reads: the hot licenses (<see cref="HotLicenseRefresher"/>, batched by
/// partition), then the hot products (<see cref="ProductCache"/>) and accounts' quota states (<see cref="QuotaGate"/>), one
/// load each, all under <see cref="HotRefreshSettings.MaxRequestsPerRound"/>. What is not refreshed expires as it always did.
/// </summary>
public sealed class HotRefresher(HotLicenseRefresher licenses, ProductCache products, QuotaGate quotas, TimeProvider clock, HotRefreshSettings settings)
{
    public HotRefreshSettings Settings => settings;

    public async Task<RefreshTally> RunOnceAsync(CancellationToken ct)
    {
        var tally = new RefreshTally();
        var budget = Math.Max(1, settings.MaxRequestsPerRound);
        await licenses.RefreshAsync(budget, tally, ct).ConfigureAwait(false);
        var readSince = clock.GetUtcNow() - settings.HotWindow;
        await PointsAsync(tally, budget, left => products.RefreshDueAsync(readSince, settings.Lead(ProductCache.Ttl), left, ct), ct).ConfigureAwait(false);
        await PointsAsync(tally, budget, left => quotas.RefreshDueAsync(readSince, settings.Lead(QuotaGate.Ttl), left, ct), ct).ConfigureAwait(false);
        return tally;
    }

    private static async Task PointsAsync(RefreshTally tally, int budget, Func<int, Task<int>> refresh, CancellationToken ct)
    {
        if (tally.Requests >= budget) return;
        try
        {
            var loaded = await refresh(budget - tally.Requests).ConfigureAwait(false);
            tally.PointLoads += loaded;
            tally.Refreshed += loaded;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            tally.Failures++;
        }
    }
}
