using Licensing.Domain.Signing;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Signing;

/// <summary>What <c>GET /v1/keys</c> publishes: the root keys, then the delegated keys with their proofs.</summary>
public sealed record Jwks(IReadOnlyList<PublicJwk> Roots, IReadOnlyList<DelegatedJwk> Delegated);

/// <summary>
/// The JWKS of <c>GET /v1/keys</c>, answered from memory. Root keys come from <see cref="PublicKeyCache"/> (the signer
/// alone). Delegated keys come from the registry, and a row is published only when <see cref="Delegation.Check"/>
/// accepts it against a current root key: storage write access adds nothing. The registry is re-read in the background
/// at most every <see cref="RegistryTtl"/>, each read bounded by <see cref="RefreshTimeout"/>, never on the request path,
/// so a hung or dead store leaves the last good list in place. This instance's own key is listed from memory.
/// Rejected rows are logged once each, by kid and reason (rows hold public keys only).
/// </summary>
public sealed class JwksProvider(PublicKeyCache roots, IDelegatedKeyRegistry registry, DelegatedKeyProvider own, TimeProvider clock,
    ILogger<JwksProvider> logger)
{
    public static readonly TimeSpan RegistryTtl = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(10);

    private volatile Snapshot? _snapshot;
    private volatile Own? _own;
    private int _refreshing;

    public async ValueTask<Jwks> GetAsync(CancellationToken ct)
    {
        var ring = await roots.GetAsync(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var snapshot = _snapshot;
        if (snapshot is null || now - snapshot.At > RegistryTtl) RefreshInBackground();

        var delegated = new List<DelegatedJwk>();
        foreach (var key in snapshot?.Keys ?? [])
            if (Publishable(key, ring, now)) delegated.Add(key);
        if (OwnKey(ring, now) is { } mine && delegated.TrueForAll(k => k.Key.Kid != mine.Key.Kid)) delegated.Add(mine);
        return new Jwks(ring.Keys, delegated);
    }

    /// <summary>Re-reads the registry now (start-up warm-up and the background refresh); throws when the store fails or hangs.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RefreshTimeout);
        var ring = await roots.GetAsync(timeout.Token).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        // WaitAsync: a store that ignores cancellation still releases this refresh.
        var rows = await registry.ListLiveAsync(now, timeout.Token).WaitAsync(RefreshTimeout, ct).ConfigureAwait(false);

        var previous = _snapshot;
        var accepted = new Dictionary<DelegatedKeyRegistration, DelegatedJwk>();
        var rejected = new HashSet<DelegatedKeyRegistration>();
        foreach (var row in rows)
        {
            if (previous?.Accepted.TryGetValue(row, out var known) == true && Publishable(known, ring, now))
            {
                accepted[row] = known; // verified on an earlier read; the signature check is not repeated
                continue;
            }
            if (Delegation.Check(row, ring, now, out var rejection) is { } key)
            {
                accepted[row] = key;
                continue;
            }
            rejected.Add(row);
            if (previous?.Rejected.Contains(row) != true)
                logger.LogWarning("Delegated key {Kid} in the registry is not published: {Reason}", Printable(row.Jwk.Kid), rejection);
        }
        var fresh = new Snapshot([.. accepted.Values.DistinctBy(k => k.Key.Kid)], now, accepted, rejected);
        if (previous is null || previous.At <= now) _snapshot = fresh;
    }

    private void RefreshInBackground()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) != 0) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                logger.LogWarning("Delegated keys not re-read ({Message}); GET /v1/keys serves the last good list", e.Message);
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    /// <summary>A key verified earlier stays published while its delegation is valid and the root key that signed it is current.</summary>
    private static bool Publishable(DelegatedJwk key, KeyRing ring, DateTimeOffset now) => key.IsValidAt(now) && ring.Contains(key.RootKid);

    /// <summary>This instance's current key, checked by the same rule as any row (the signature once per key).</summary>
    private DelegatedJwk? OwnKey(KeyRing ring, DateTimeOffset now)
    {
        if (own.Latest is not { } current) return null;
        if (_own is { } known && known.Current == current && Publishable(known.Key, ring, now)) return known.Key;
        if (Delegation.Check(current.Registration, ring, now, out _) is not { } key) return null;
        _own = new Own(current, key);
        return key;
    }

    /// <summary>A kid read from storage, fit for a log line: printable ASCII, at most 80 characters.</summary>
    private static string Printable(string kid) =>
        new(kid.Take(80).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());

    private sealed record Snapshot(IReadOnlyList<DelegatedJwk> Keys, DateTimeOffset At,
        IReadOnlyDictionary<DelegatedKeyRegistration, DelegatedJwk> Accepted, IReadOnlySet<DelegatedKeyRegistration> Rejected);

    private sealed record Own(DelegatedKeyProvider.Current Current, DelegatedJwk Key);
}
