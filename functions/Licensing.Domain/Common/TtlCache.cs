using System.Collections.Concurrent;

namespace Licensing.Domain.Common;

/// <summary>
/// The one per-instance time-to-live cache behind the hot path's memory reads (products, licenses, usage totals,
/// quota state). An entry is reused for <see cref="Ttl"/>, then loaded again; a TTL of zero turns caching off. Past
/// <see cref="MaxEntries"/> (or the smaller capacity given, for large values) the cache starts over rather than grow without bound.
/// </summary>
public sealed class TtlCache<TKey, TValue>(TimeProvider clock, TimeSpan ttl, int capacity = TtlCache<TKey, TValue>.MaxEntries) where TKey : notnull
{
    public const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset At)> _entries = new();

    public TimeSpan Ttl { get; } = ttl;

    public int Capacity { get; } = Math.Clamp(capacity, 1, MaxEntries);

    /// <summary>Entries held now (some may be past their TTL).</summary>
    public int Count => _entries.Count;

    /// <summary>The cached value when present and younger than the TTL; never loads.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (Ttl > TimeSpan.Zero && _entries.TryGetValue(key, out var hit) && clock.GetUtcNow() - hit.At < Ttl)
        {
            value = hit.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>The cached value, or <paramref name="load"/>(<paramref name="state"/>) when absent or older than the TTL.</summary>
    public async ValueTask<TValue> GetAsync<TState>(TKey key, TState state, Func<TState, CancellationToken, Task<TValue>> load, CancellationToken ct)
    {
        if (Ttl <= TimeSpan.Zero) return await load(state, ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(key, out var hit) && now - hit.At < Ttl) return hit.Value;
        var value = await load(state, ct).ConfigureAwait(false);
        Store(key, value, now);
        return value;
    }

    /// <summary>Stores a value this instance knows to be current (e.g. just written).</summary>
    public void Set(TKey key, TValue value)
    {
        if (Ttl > TimeSpan.Zero) Store(key, value, clock.GetUtcNow());
    }

    private void Store(TKey key, TValue value, DateTimeOffset now)
    {
        if (_entries.Count >= Capacity && !_entries.ContainsKey(key)) _entries.Clear();
        _entries[key] = (value, now);
    }

    /// <summary>Refreshes an entry only if the cache already holds one.</summary>
    public void Refresh(TKey key, TValue value)
    {
        if (Ttl > TimeSpan.Zero && _entries.ContainsKey(key)) _entries[key] = (value, clock.GetUtcNow());
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);
}
