using System.Collections.Concurrent;

namespace Licensing.Domain.Common;

/// <summary>
/// Token buckets keyed by a string (a license id, a client address), in memory per instance. A bucket holds
/// <paramref name="burst"/> tokens and refills at <paramref name="perSecond"/>; idle full buckets are dropped (looked for at most
/// once a second, by whichever call comes first: no counter every call writes).
/// </summary>
public sealed class TokenBuckets(TimeProvider clock, double burst, double perSecond)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _sweptAt;

    public int Count => _buckets.Count;

    public bool TryTake(string key, out TimeSpan retryAfter)
    {
        Bucket? none = null;
        return TryTake(key, ref none, out retryAfter);
    }

    /// <summary>
    /// <see cref="TryTake(string, out TimeSpan)"/> through a bucket the caller kept from an earlier call (<paramref name="held"/>,
    /// updated here): the key's one shared bucket, looked up again only when it was dropped meanwhile.
    /// </summary>
    public bool TryTake(string key, ref Bucket? held, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        var swept = Volatile.Read(ref _sweptAt);
        if (now.UtcTicks - swept >= TimeSpan.TicksPerSecond && Interlocked.CompareExchange(ref _sweptAt, now.UtcTicks, swept) == swept) Sweep(now);
        while (true)
        {
            var bucket = held ?? _buckets.GetOrAdd(key, static (_, s) => new Bucket(s.burst, s.now), (burst, now));
            lock (bucket)
            {
                if (bucket.Dropped)
                {
                    held = null;
                    continue;
                }
                held = bucket;
                bucket.Tokens = Math.Min(burst, bucket.Tokens + (now - bucket.At).TotalSeconds * perSecond);
                bucket.At = now;
                if (bucket.Tokens >= 1)
                {
                    bucket.Tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }
                retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - bucket.Tokens) / perSecond)));
                return false;
            }
        }
    }

    /// <summary>Whether <see cref="TryTake"/> would succeed now, without taking a token.</summary>
    public bool CanTake(string key, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_buckets.TryGetValue(key, out var bucket)) return true;
        lock (bucket)
        {
            var tokens = Math.Min(burst, bucket.Tokens + (clock.GetUtcNow() - bucket.At).TotalSeconds * perSecond);
            if (tokens >= 1) return true;
            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - tokens) / perSecond)));
            return false;
        }
    }

    /// <summary>Drops the buckets idle long enough to be full again (a later take starts a full one: the same tokens).</summary>
    private void Sweep(DateTimeOffset now)
    {
        var fullAfter = TimeSpan.FromSeconds(burst / perSecond);
        foreach (var (key, bucket) in _buckets)
            lock (bucket)
                if (!bucket.Dropped && now - bucket.At > fullAfter && _buckets.TryRemove(new KeyValuePair<string, Bucket>(key, bucket)))
                    bucket.Dropped = true;
    }

    /// <summary>One key's tokens; once dropped from the set (idle and full), a caller that kept it takes from the key's new bucket.</summary>
    public sealed class Bucket
    {
        internal Bucket(double tokens, DateTimeOffset at)
        {
            Tokens = tokens;
            At = at;
        }

        internal double Tokens;
        internal DateTimeOffset At;
        internal bool Dropped;
    }
}
