using System.Collections.Concurrent;
using Licensing.Domain.Activations;
using Licensing.Domain.Audit;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Validation;

namespace Licensing.Tests.Support;

/// <summary>In-memory stores for pure unit tests (the HTTP tests use Azurite). ETag semantics as Table Storage.</summary>
public sealed class InMemoryLicenseStore : ILicenseStore
{
    private readonly ConcurrentDictionary<(string, string), License> _items = new();
    private readonly ConcurrentDictionary<(string, string, string), Activation> _activations = new();
    private long _version;

    public int Reads;
    public int Count => _items.Count;

    public Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct)
    {
        Interlocked.Increment(ref Reads);
        return Task.FromResult(_items.TryGetValue((accountId, licenseId), out var l) ? l : null);
    }

    public Task<IReadOnlyList<Activation>> ListActivationsAsync(License license, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Activation>>(license.Activations.Select(a => _activations[(license.AccountId, license.Id, a.Id)]).ToArray());

    public Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct) =>
        Task.FromResult(license.Activations.Any(a => a.Id == activationId) ? _activations.GetValueOrDefault((license.AccountId, license.Id, activationId))
            : null);

    /// <summary>Change records journaled with each write, in order.</summary>
    public ConcurrentQueue<ChangeRecord> Journal { get; } = new();

    public Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<ChangeRecord> journal, CancellationToken ct)
    {
        if (!_items.TryAdd((license.AccountId, license.Id), license with { Version = NextVersion() })) throw new ConflictException("exists");
        foreach (var a in activations) _activations[(license.AccountId, license.Id, a.Id)] = a;
        foreach (var r in journal) Journal.Enqueue(r);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(License license, ChangeRecord journal, CancellationToken ct)
    {
        lock (_items)
        {
            if (!_items.TryGetValue((license.AccountId, license.Id), out var current) || current.Version != license.Version)
                throw new ConcurrencyException("etag");
            _items.TryRemove((license.AccountId, license.Id), out _);
            Journal.Enqueue(journal);
            return Task.CompletedTask;
        }
    }

    public Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<ChangeRecord> journal, CancellationToken ct)
    {
        var key = (license.AccountId, license.Id);
        lock (_items)
        {
            if (!_items.TryGetValue(key, out var current) || current.Version != license.Version) throw new ConcurrencyException("etag");
            var next = license with { Version = NextVersion() };
            if (!_items.TryUpdate(key, next, current)) throw new ConcurrencyException("etag");
            foreach (var a in changes.Added) _activations[(license.AccountId, license.Id, a.Id)] = a;
            foreach (var id in changes.Removed) _activations.TryRemove((license.AccountId, license.Id, id), out _);
            foreach (var r in journal) Journal.Enqueue(r);
            return Task.FromResult(next);
        }
    }

    public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(new LicensePage(_items.Values.Where(l => l.AccountId == accountId).ToArray(), null));

    private string NextVersion() => Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class InMemoryProductStore : IProductStore
{
    private readonly ConcurrentDictionary<(string, string), Product> _items = new();

    public int Reads;

    public Task<Product?> GetAsync(string accountId, string productId, CancellationToken ct)
    {
        Interlocked.Increment(ref Reads);
        return Task.FromResult(_items.TryGetValue((accountId, productId), out var p) ? p : null);
    }

    public Task<IReadOnlyList<Product>> ListAsync(string accountId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Product>>(_items.Values.Where(p => p.AccountId == accountId).ToArray());

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
    public Task<IReadOnlyList<Activation>> ListActivationsAsync(License license, CancellationToken ct) => throw Touched();
    public Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct) => throw Touched();
    public Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<ChangeRecord> journal, CancellationToken ct) =>
        throw Touched();
    public Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<ChangeRecord> journal, CancellationToken ct) =>
        throw Touched();
    public Task DeleteAsync(License license, ChangeRecord journal, CancellationToken ct) => throw Touched();
    public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct) => throw Touched();

    private static InvalidOperationException Touched() => new("storage was accessed");
}

public sealed class InMemoryDelegatedKeyRegistry : Licensing.Domain.Signing.IDelegatedKeyRegistry
{
    private readonly ConcurrentDictionary<string, Licensing.Domain.Signing.DelegatedKeyRegistration> _keys = new();

    public Task UpsertAsync(Licensing.Domain.Signing.DelegatedKeyRegistration key, CancellationToken ct)
    {
        _keys[key.Jwk.Kid] = key;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Licensing.Domain.Signing.DelegatedKeyRegistration>> ListLiveAsync(DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Licensing.Domain.Signing.DelegatedKeyRegistration>>(_keys.Values.Where(k => k.PublishUntil > now).ToArray());
}

/// <summary>The public validation wired over in-memory stores, for pure tests.</summary>
public static class Runtimes
{
    public static ValidateLicense Create(Licensing.Domain.Signing.IRootSigner signer, ILicenseStore licenses, IProductStore products, TimeProvider clock,
        AbuseGuard? guard = null, Licensing.Domain.Activity.ActivityRecorder? activity = null, Licensing.Domain.Usage.IUsageLedger? ledger = null,
        Licensing.Domain.KeyAliases.IKeyAliasStore? aliases = null, Licensing.Domain.ShortKeys.ShortKeyRing? shortKeys = null) =>
        new(new KeyedLicenseReader(new Licensing.Domain.Signing.PublicKeyCache(signer, clock), new Licensing.Domain.Signing.VerifiedKeyCache(),
                guard ?? new AbuseGuard(clock, RateLimitSettings.Unlimited), licenses,
                new LicenseReadCache(clock, TimeSpan.Zero), new ProductCache(products, clock),
                new Licensing.Domain.KeyAliases.KeyAliasLookup(aliases ?? new InMemoryKeyAliasStore(), clock, TimeSpan.Zero), shortKeys),
            new ActivationService(licenses, clock),
            new Licensing.Domain.Signing.CertificateIssuer(
                new Licensing.Domain.Signing.DelegatedKeyProvider(signer, new InMemoryDelegatedKeyRegistry(), clock), clock),
            activity ?? new Licensing.Domain.Activity.ActivityRecorder(clock),
            new Licensing.Domain.Usage.UsageCache(ledger ?? new InMemoryUsageLedger(), clock),
            new Licensing.Domain.Quotas.QuotaGate(new Licensing.Domain.Quotas.UnlimitedQuotaStore(), clock), clock);
}

public sealed class UntouchableProductStore : IProductStore
{
    public Task<Product?> GetAsync(string accountId, string productId, CancellationToken ct) => throw new InvalidOperationException("storage was accessed");
    public Task<bool> UpsertAsync(Product product, CancellationToken ct) => throw new InvalidOperationException("storage was accessed");
    public Task<IReadOnlyList<Product>> ListAsync(string accountId, CancellationToken ct) => throw new InvalidOperationException("storage was accessed");
}

public sealed class InMemoryUsageLedger : Licensing.Domain.Usage.IUsageLedger
{
    private readonly ConcurrentDictionary<(string, string), long> _rows = new();

    public Task<bool> AddAsync(string accountId, string licenseId, string period, string idempotencyKey, long quantity, DateTimeOffset at,
        CancellationToken ct) =>
        Task.FromResult(_rows.TryAdd(($"{accountId}|{licenseId}|{period}", idempotencyKey), quantity));

    public Task<long> GetTotalAsync(string accountId, string licenseId, string period, CancellationToken ct) =>
        Task.FromResult(_rows.Where(r => r.Key.Item1 == $"{accountId}|{licenseId}|{period}").Sum(r => r.Value));
}

