using Licensing.Domain.Signing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Signing;

/// <summary>
/// At start: reads the delegated keys into memory for <c>GET /v1/keys</c>, and creates this instance's delegated
/// certificate key, so the first VALID verdict does not wait on Key Vault.
/// </summary>
public sealed class DelegatedKeyWarmup(DelegatedKeyProvider keys, JwksProvider jwks, ILogger<DelegatedKeyWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var jwksWarm = Task.Run(() => WarmJwksAsync(stoppingToken), CancellationToken.None);
        for (var attempt = 0; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await keys.GetAsync(stoppingToken);
                break;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A storage client's own timeout surfaces as a cancellation too: retry, do not stop the host.
                logger.LogWarning("Delegated signing key not ready yet ({Message}); retrying", e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5))), stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // The host stopped while a slow store was still answering (its own timeout, not the stop): nothing to warm.
                break;
            }
        }
        await jwksWarm;
    }

    private async Task WarmJwksAsync(CancellationToken ct)
    {
        try
        {
            await jwks.RefreshAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
        catch (Exception e)
        {
            logger.LogWarning("Delegated keys not read at start ({Message}); GET /v1/keys retries in the background", e.Message);
        }
    }
}
