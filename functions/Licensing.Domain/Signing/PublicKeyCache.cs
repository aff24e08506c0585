namespace Licensing.Domain.Signing;

/// <summary>
/// Keeps the root signer's public keys in memory so verification never calls the signer (Key Vault) on the hot
/// path. Loaded on first use, refreshed in the background after <see cref="RefreshInterval"/>; a failed refresh
/// keeps the keys already held.
/// </summary>
public sealed class PublicKeyCache(IRootSigner signer, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;
    private int _refreshing;

    public static TimeSpan RefreshInterval { get; } = TimeSpan.FromMinutes(10);

    public async ValueTask<KeyRing> GetAsync(CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is null) return await LoadAsync(ct).ConfigureAwait(false);
        if (clock.GetUtcNow() - snapshot.LoadedAt > RefreshInterval && Interlocked.Exchange(ref _refreshing, 1) == 0)
            _ = RefreshInBackgroundAsync();
        return snapshot.Ring;
    }

    /// <summary>
    /// Reads the signer's public keys unless another caller has just done so (the copy held is younger than
    /// <see cref="RefreshInterval"/>); callers waiting meanwhile share that one read.
    /// </summary>
    public async Task<KeyRing> LoadAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = _snapshot;
            if (current is not null && clock.GetUtcNow() - current.LoadedAt <= RefreshInterval) return current.Ring;
            var keys = await signer.GetPublicKeysAsync(ct).ConfigureAwait(false);
            var snapshot = new Snapshot(new KeyRing(keys), clock.GetUtcNow());
            _snapshot = snapshot;
            return snapshot.Ring;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await LoadAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Keep serving the keys already held; the next request past the interval tries again.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private sealed record Snapshot(KeyRing Ring, DateTimeOffset LoadedAt);
}
