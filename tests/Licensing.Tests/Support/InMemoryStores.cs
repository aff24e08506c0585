using System.Collections.Concurrent;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;

namespace Licensing.Tests.Support;

/// <summary>In-memory stores for pure unit tests (the HTTP tests use Azurite). ETag semantics as Table Storage.</summary>
public sealed class InMemoryLicenseStore : ILicenseStore
{
    private readonly ConcurrentDictionary<(string, string), License> _items = new();
    private long _version;

    public int Reads;
    public int Count => _items.Count;

    public Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct)
    {
        Interlocked.Increment(ref Reads);
        return Task.FromResult(_items.TryGetValue((accountId, licenseId), out var l) ? l : null);
    }

    public Task InsertAsync(License license, CancellationToken ct)
    {
        if (!_items.TryAdd((license.AccountId, license.Id), license with { Version = NextVersion() })) throw new ConflictException("exists");
        return Task.CompletedTask;
    }

    public Task<License> ReplaceAsync(License license, CancellationToken ct)
    {
        var key = (license.AccountId, license.Id);
        if (!_items.TryGetValue(key, out var current) || current.Version != license.Version) throw new ConcurrencyException("etag");
        var next = license with { Version = NextVersion() };
        if (!_items.TryUpdate(key, next, current)) throw new ConcurrencyException("etag");
        return Task.FromResult(next);
    }

    public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(new LicensePage(_items.Values.Where(l => l.AccountId == accountId).ToArray(), null));

    private string NextVersion() => Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class InMemoryProductStore : IProductStore
{
    private readonly ConcurrentDictionary<(string, string), Product> _items = new();

    public Task<Product?> GetAsync(string accountId, string productId, CancellationToken ct) =>
        Task.FromResult(_items.TryGetValue((accountId, productId), out var p) ? p : null);

    public Task<bool> UpsertAsync(Product product, CancellationToken ct)
    {
        var created = !_items.ContainsKey((product.AccountId, product.Id));
        _items[(product.AccountId, product.Id)] = product;
        return Task.FromResult(created);
    }
}

/// <summary>A store that fails the test on any access: proves a path makes no storage call.</summary>
public sealed class UntouchableLicenseStore : ILicenseStore
{
    public Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) => throw Touched();
    public Task InsertAsync(License license, CancellationToken ct) => throw Touched();
    public Task<License> ReplaceAsync(License license, CancellationToken ct) => throw Touched();
    public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct) => throw Touched();

    private static InvalidOperationException Touched() => new("storage was accessed");
}
