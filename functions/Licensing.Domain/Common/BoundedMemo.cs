using System.Collections.Concurrent;

namespace Licensing.Domain.Common;

/// <summary>
/// A pure function of a string, its results remembered per process: the same sites and keys come back to the public path
/// again and again, so each is worked out once rather than once per request. Only for functions whose result depends on
/// nothing but the string, so a remembered result is always the one computed. At most <paramref name="capacity"/> results
/// are kept (all are let go when full), and none for a key longer than <paramref name="maxKeyLength"/>: the memory it can
/// hold is bounded whatever callers send.
/// </summary>
public sealed class BoundedMemo<TResult>(int capacity, int maxKeyLength, Func<string, TResult> compute)
{
    private readonly ConcurrentDictionary<string, TResult> _results = new(StringComparer.Ordinal);
    private int _added;

    public TResult Get(string key)
    {
        if (_results.TryGetValue(key, out var result)) return result;
        result = compute(key);
        if (key.Length > maxKeyLength) return result;
        if (Interlocked.Increment(ref _added) > capacity)
        {
            _results.Clear();
            Interlocked.Exchange(ref _added, 1);
        }
        _results.TryAdd(key, result);
        return result;
    }
}
