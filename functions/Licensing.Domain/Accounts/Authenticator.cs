using System.Collections.Concurrent;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;

namespace Licensing.Domain.Accounts;

/// <summary>
/// Turns a presented bearer secret into a <see cref="Credential"/>. Malformed secrets cost no storage call.
/// <list type="bullet">
/// <item>API keys: the key's record, its scopes and id. Lookups are cached per instance for <see cref="KeyCacheTtl"/>
/// (at most 60 s): a key revoked here is forgotten at once (<see cref="Forget"/>), elsewhere within that bound.</item>
/// <item>Sessions: every scope, never cached, so a session that ends stops working everywhere at once.</item>
/// </list>
/// <c>lastUsedAt</c> is kept off the request path: at most one write per key per <see cref="LastUsedInterval"/> on each
/// instance, made in the background after the answer is on its way.
/// </summary>
public sealed class Authenticator
{
    public static readonly TimeSpan MaxKeyCacheTtl = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan LastUsedInterval = TimeSpan.FromMinutes(5);

    private readonly IApiKeyStore _keys;
    private readonly ISessionStore _sessions;
    private readonly TimeProvider _clock;
    private readonly TtlCache<string, ApiKey?> _cache;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastUsedWritten = new(StringComparer.Ordinal);
    private readonly Action<Exception>? _backgroundFailed;

    public Authenticator(IApiKeyStore keys, ISessionStore sessions, TimeProvider clock, TimeSpan keyCacheTtl, Action<Exception>? backgroundFailed = null)
    {
        _keys = keys;
        _sessions = sessions;
        _clock = clock;
        _backgroundFailed = backgroundFailed;
        _cache = new TtlCache<string, ApiKey?>(clock, keyCacheTtl > MaxKeyCacheTtl ? MaxKeyCacheTtl : keyCacheTtl);
    }

    public TimeSpan KeyCacheTtl => _cache.Ttl;

    /// <summary>The background <c>lastUsedAt</c> writes started and not yet finished (tests wait on it).</summary>
    public int PendingWrites => _pending;
    private int _pending;

    /// <summary>The credential the secret stands for, or null.</summary>
    public async Task<Credential?> AuthenticateAsync(string? presented, CancellationToken ct)
    {
        if (BearerTokens.Looks(presented, SessionTokens.Prefix))
        {
            var session = await _sessions.GetAsync(BearerTokens.Hash(presented!), ct).ConfigureAwait(false);
            // A customer portal session is never a founder's credential.
            return session is not null && session.CustomerEmail is null && session.ExpiresAt > _clock.GetUtcNow()
                ? new Credential(session.AccountId, Actor.Session(session.Id), [Scopes.All])
                : null;
        }
        if (!ApiKeys.LooksLikeKey(presented)) return null;
        var hash = ApiKeys.Hash(presented!);
        var key = await _cache.GetAsync(hash, (Keys: _keys, Hash: hash), static (s, token) => s.Keys.GetByHashAsync(s.Hash, token), ct).ConfigureAwait(false);
        if (key is null) return null;
        RecordUse(key.Legacy ? key with { Prefix = ApiKeys.PrefixOf(presented!) } : key, hash);
        return new Credential(key.AccountId, Actor.ApiKey(key.Id), key.Scopes);
    }

    /// <summary>A key revoked on this instance: refused from the next request on.</summary>
    public void Forget(string keyHash) => _cache.Remove(keyHash);

    private void RecordUse(ApiKey key, string hash)
    {
        var now = _clock.GetUtcNow();
        var written = _lastUsedWritten.GetOrAdd(key.Id, DateTimeOffset.MinValue);
        if (now - written < LastUsedInterval || !_lastUsedWritten.TryUpdate(key.Id, now, written)) return;
        if (_lastUsedWritten.Count > TtlCache<string, ApiKey?>.MaxEntries) _lastUsedWritten.Clear();
        Interlocked.Increment(ref _pending);
        _ = Task.Run(async () =>
        {
            try
            {
                if (key.Legacy) await _keys.AddRecordAsync(key with { LastUsedAt = now }, hash, CancellationToken.None).ConfigureAwait(false);
                else await _keys.ReplaceLastUsedAsync(key.AccountId, key.Id, now, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Telemetry, not state: the next use after the interval writes it again.
                _lastUsedWritten.TryUpdate(key.Id, written, now);
                _backgroundFailed?.Invoke(e);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        });
    }
}
