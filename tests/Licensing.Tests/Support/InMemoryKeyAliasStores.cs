using System.Collections.Concurrent;
using Licensing.Domain.Common;
using Licensing.Domain.KeyAliases;

namespace Licensing.Tests.Support;

/// <summary>Alias key rows in memory, with Table Storage's add-if-absent and ETag semantics; counts point reads.</summary>
public sealed class InMemoryKeyAliasStore : IKeyAliasStore
{
    private readonly ConcurrentDictionary<string, KeyAliasOwner> _rows = new(StringComparer.Ordinal);
    private long _version;
    public int Reads;

    public IReadOnlyCollection<string> Hashes => _rows.Keys.ToArray();

    public Task<KeyAliasOwner?> GetAsync(string hash, CancellationToken ct)
    {
        Interlocked.Increment(ref Reads);
        return Task.FromResult(_rows.TryGetValue(hash, out var o) ? o : null);
    }

    public Task<bool> AddAsync(string hash, KeyAliasOwner owner, CancellationToken ct) => Task.FromResult(_rows.TryAdd(hash, Versioned(owner)));

    public Task ReplaceAsync(string hash, KeyAliasOwner owner, string version, CancellationToken ct)
    {
        if (!_rows.TryGetValue(hash, out var current) || current.Version != version || !_rows.TryUpdate(hash, Versioned(owner), current))
            throw new ConcurrencyException("alias row changed");
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string hash, string version, CancellationToken ct) =>
        Task.FromResult(_rows.TryGetValue(hash, out var current) && current.Version == version
            && _rows.TryRemove(new KeyValuePair<string, KeyAliasOwner>(hash, current)));

    private KeyAliasOwner Versioned(KeyAliasOwner owner) =>
        owner with { Version = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>Throws on any access: proves a path never reaches the alias store.</summary>
public sealed class UntouchableKeyAliasStore : IKeyAliasStore
{
    public Task<KeyAliasOwner?> GetAsync(string hash, CancellationToken ct) => throw Touched();
    public Task<bool> AddAsync(string hash, KeyAliasOwner owner, CancellationToken ct) => throw Touched();
    public Task ReplaceAsync(string hash, KeyAliasOwner owner, string version, CancellationToken ct) => throw Touched();
    public Task<bool> DeleteAsync(string hash, string version, CancellationToken ct) => throw Touched();

    private static InvalidOperationException Touched() => new("alias storage was accessed");
}
