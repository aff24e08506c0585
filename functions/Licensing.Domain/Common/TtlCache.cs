using System.Collections.Concurrent;

namespace Licensing.Domain.Common;

/// <summary>
/// The one per-instance time-to-live cache behind the hot path's memory reads (products, licenses, usage totals,
/// quota state). An entry is reused for <see cref="Ttl"/>, then loaded again; a TTL of zero turns caching off. Past
/// <see cref="MaxEntries"/> (or the smaller capacity given, for large values) the cache starts over rather than grow without bound.
/// An entry's age counts from when the read that produced it started. Each entry remembers when it was last read, so a
/// background refresher can reload the hot ones ahead of expiry (<see cref="Hot"/>, <see cref="TryRefresh"/>).
/// With <paramref name="unchanged"/>, a value loaded again that it calls equal to the one held (a license at the same ETag) renews the
/// entry's age but keeps the object held: a steady entry is not rebuilt every refresh, and its long-lived object stays the same.
/// </summary>
public sealed class TtlCache<TKey, TValue>(TimeProvider clock, TimeSpan ttl, int capacity = TtlCache<TKey, TValue>.MaxEntries,
    IEqualityComparer<TValue>? unchanged = null) where TKey : notnull
{
    public const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    public TimeSpan Ttl { get; } = ttl;

    public int Capacity { get; } = Math.Clamp(capacity, 1, MaxEntries);

    /// <summary>Entries held now (some may be past their TTL).</summary>
    public int Count => _entries.Count;

    /// <summary>The cached value when present and younger than the TTL; never loads.</summary>
    public bool TryGet(TKey key, out TValue value) => TryGet(key, out value, out _);

    /// <summary>As <see cref="TryGet(TKey, out TValue)"/>, with the entry that held the value (to be kept, see <see cref="Held"/>).</summary>
    public bool TryGet(TKey key, out TValue value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Entry? held)
    {
        var now = clock.GetUtcNow();
        if (Ttl > TimeSpan.Zero && _entries.TryGetValue(key, out held) && now - held.At < Ttl)
        {
            held.MarkRead(now);
            value = held.Value;
            return true;
        }
        value = default!;
        held = null;
        return false;
    }

    /// <summary>
    /// The value of an entry remembered from an earlier lookup (<see cref="Held"/>) while it is still the one held for its key and
    /// younger than the TTL: what a caller that keeps per-key state at hand reads instead of looking the key up again. An entry
    /// replaced or removed (a newer value, a write here, a deletion) is never served this way.
    /// </summary>
    public bool TryGet(Entry? held, out TValue value)
    {
        if (held is not null && !held.Superseded && Ttl > TimeSpan.Zero)
        {
            var now = clock.GetUtcNow();
            if (now - held.At < Ttl)
            {
                held.MarkRead(now);
                value = held.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>The entry held now for <paramref name="key"/>, to be remembered and read with <see cref="TryGet(Entry?, out TValue)"/>.</summary>
    public Entry? Held(TKey key) => _entries.TryGetValue(key, out var entry) ? entry : null;

    /// <summary>The cached value, or <paramref name="load"/>(<paramref name="state"/>) when absent or older than the TTL.</summary>
    public async ValueTask<TValue> GetAsync<TState>(TKey key, TState state, Func<TState, CancellationToken, Task<TValue>> load, CancellationToken ct)
    {
        if (Ttl <= TimeSpan.Zero) return await load(state, ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(key, out var hit) && now - hit.At < Ttl)
        {
            hit.MarkRead(now);
            return hit.Value;
        }
        return Store(key, await load(state, ct).ConfigureAwait(false), now);
    }

    /// <summary>Stores a value this instance knows to be current (e.g. just written).</summary>
    public void Set(TKey key, TValue value)
    {
        if (Ttl > TimeSpan.Zero) Store(key, value, clock.GetUtcNow());
    }

    /// <summary>Stores the value (or keeps the one held, see <c>unchanged</c>) and returns what the entry now holds.</summary>
    private TValue Store(TKey key, TValue value, DateTimeOffset now)
    {
        if (unchanged is not null && _entries.TryGetValue(key, out var held) && unchanged.Equals(held.Value, value))
        {
            held.Renew(now);
            held.MarkRead(now);
            return held.Value;
        }
        if (_entries.Count >= Capacity && !_entries.ContainsKey(key)) Clear();
        Put(key, new Entry(value, now, now.UtcTicks));
        return value;
    }

    /// <summary>Refreshes an entry only if the cache already holds one.</summary>
    public void Refresh(TKey key, TValue value)
    {
        if (Ttl > TimeSpan.Zero && _entries.TryGetValue(key, out var old)) Put(key, new Entry(value, clock.GetUtcNow(), old.LastRead));
    }

    public void Remove(TKey key)
    {
        if (_entries.TryRemove(key, out var old)) old.Supersede();
    }

    /// <summary>Holds <paramref name="entry"/> for <paramref name="key"/>; the entry it replaces (if any) is marked superseded first.</summary>
    private void Put(TKey key, Entry entry) =>
        _entries.AddOrUpdate(key, static (_, e) => e, static (_, old, e) =>
        {
            old.Supersede();
            return e;
        }, entry);

    /// <summary>Starts over (the capacity is reached), marking each entry removed as superseded.</summary>
    private void Clear()
    {
        foreach (var key in _entries.Keys)
            if (_entries.TryRemove(key, out var old)) old.Supersede();
    }

    /// <summary>
    /// The entries read at or after <paramref name="readSince"/> (hot) whose value was loaded at or before <paramref name="loadedBy"/>,
    /// at most <paramref name="max"/>, with when each was loaded: what a refresher reloads ahead of expiry. Cold entries are never listed.
    /// </summary>
    public IReadOnlyList<(TKey Key, DateTimeOffset LoadedAt)> Hot(DateTimeOffset readSince, DateTimeOffset loadedBy, int max)
    {
        var hot = new List<(TKey, DateTimeOffset)>();
        if (Ttl <= TimeSpan.Zero) return hot;
        foreach (var (key, entry) in _entries)
        {
            if (hot.Count >= max) break;
            if (entry.LastRead >= readSince.UtcTicks && entry.At <= loadedBy) hot.Add((key, entry.At));
        }
        return hot;
    }

    /// <summary>
    /// Reloads, one <paramref name="load"/> each, the hot entries (read at or after <paramref name="readSince"/>) that expire within
    /// <paramref name="lead"/>, at most <paramref name="max"/>; returns how many were loaded. A load that throws stops the round and
    /// leaves the rest to expire as usual.
    /// </summary>
    public async Task<int> RefreshDueAsync<TState>(DateTimeOffset readSince, TimeSpan lead, int max, TState state,
        Func<TState, TKey, CancellationToken, Task<TValue>> load, CancellationToken ct)
    {
        var loaded = 0;
        foreach (var (key, _) in Hot(readSince, clock.GetUtcNow() - (Ttl - lead), max))
        {
            var started = clock.GetUtcNow();
            var value = await load(state, key, ct).ConfigureAwait(false);
            TryRefresh(key, value, started);
            loaded++;
        }
        return loaded;
    }

    /// <summary>
    /// Replaces an entry with a value whose read started at <paramref name="readStartedAt"/>, if the cache still holds that key and
    /// what it holds is older than that read (a write made here or a request's read meanwhile is newer and stays). The entry's age
    /// counts from <paramref name="readStartedAt"/>, so a slow refresh never makes a value look younger than it is.
    /// An unchanged value (see <c>unchanged</c>) renews the entry in place: no new entry is made, so none is promoted.
    /// </summary>
    public bool TryRefresh(TKey key, TValue value, DateTimeOffset readStartedAt)
    {
        if (Ttl <= TimeSpan.Zero || !_entries.TryGetValue(key, out var old) || old.At >= readStartedAt) return false;
        if (unchanged is null || !unchanged.Equals(old.Value, value))
        {
            if (!_entries.TryUpdate(key, new Entry(value, readStartedAt, old.LastRead), old)) return false;
            old.Supersede();
            return true;
        }
        old.Renew(readStartedAt);
        return true;
    }

    /// <summary>
    /// Renews the entry for <paramref name="key"/> in place when a read that started at <paramref name="readStartedAt"/> found its
    /// value unchanged (<paramref name="unchangedBy"/> says so of the held value from what the read saw, <paramref name="state"/>):
    /// its age then counts from that read. <see cref="Renewal.Changed"/> when the entry is held, older than the read, and not the same
    /// (the caller reads the value whole and calls <see cref="TryRefresh"/>); <see cref="Renewal.NotHeld"/> when there is nothing to renew.
    /// </summary>
    public Renewal TryRenew<TState>(TKey key, TState state, Func<TValue, TState, bool> unchangedBy, DateTimeOffset readStartedAt)
    {
        if (Ttl <= TimeSpan.Zero || !_entries.TryGetValue(key, out var held) || held.At >= readStartedAt) return Renewal.NotHeld;
        if (!unchangedBy(held.Value, state)) return Renewal.Changed;
        held.Renew(readStartedAt);
        return Renewal.Renewed;
    }

    /// <summary>
    /// One cached value: when its read started and, in ticks, when it was last served (kept to the second, written rarely). Once
    /// replaced or removed it is superseded, and a caller that kept it (<see cref="Held"/>) looks the key up again.
    /// </summary>
    public sealed class Entry
    {
        private long _lastRead;
        private long _at;
        private volatile bool _superseded;

        internal Entry(TValue value, DateTimeOffset at, long lastRead)
        {
            Value = value;
            _at = at.UtcTicks;
            _lastRead = lastRead;
        }

        public TValue Value { get; }

        internal bool Superseded => _superseded;

        internal void Supersede() => _superseded = true;

        /// <summary>When the read that produced (or last confirmed) the value started.</summary>
        internal DateTimeOffset At => new(Volatile.Read(ref _at), TimeSpan.Zero);
        internal long LastRead => Volatile.Read(ref _lastRead);

        /// <summary>A read that started at <paramref name="at"/> found the value unchanged: its age counts from then.</summary>
        internal void Renew(DateTimeOffset at) => Volatile.Write(ref _at, at.UtcTicks);

        internal void MarkRead(DateTimeOffset now)
        {
            if (now.UtcTicks - Volatile.Read(ref _lastRead) >= TimeSpan.TicksPerSecond) Volatile.Write(ref _lastRead, now.UtcTicks);
        }
    }
}

/// <summary>What <see cref="TtlCache{TKey, TValue}.TryRenew"/> did.</summary>
public enum Renewal { NotHeld, Renewed, Changed }
