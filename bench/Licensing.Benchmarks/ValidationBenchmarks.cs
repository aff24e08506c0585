using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Licensing.Domain.Activations;
using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.Signing;
using Licensing.Domain.Validation;
using Licensing.Functions.Signing;

namespace Licensing.Benchmarks;

/// <summary>
/// In-process validation and issuance next to the raw ES256 operations, measured in one run. A repeat validation (the
/// same key and site again, as a shipped product does) answers the key from the verified-key cache and the certificate
/// from certificate reuse: one store read (in memory here), the rules and bookkeeping. "first sight" validates a key
/// this instance has never verified for a site it has never certified: the full verify + sign cost.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private const string Account = "acct_00000000000000aa";
    private LocalRootSigner _signer = null!;
    private ValidateLicense _validation = null!;
    private LicenseService _issuance = null!;
    private ValidationRequest _request = null!;
    private CertificateIssuer _certificates = null!;
    private CertificateIssuer _certificatesNoReuse = null!;
    private PublicKeyCache _keys = null!;
    private MemoryLicenseStore _store = null!;
    private ProductCache _products = null!;
    private Licensing.Domain.KeyAliases.KeyAliasLookup _aliases = null!;
    private ActivationService _activations = null!;
    private ActivityRecorder _activity = null!;
    private Licensing.Domain.Usage.UsageCache _usage = null!;
    private Licensing.Domain.Quotas.QuotaGate _quotas = null!;
    private License _license = null!;
    private ECDsa _rawKey = null!;
    private byte[] _data = null!;
    private byte[] _signature = null!;
    private byte[] _digest = null!;
    private Licensing.Functions.Validation.ValidateFunction _function = null!;
    private byte[] _requestBody = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _signer = new LocalRootSigner(Path.Combine(Path.GetTempPath(), "licensing-bench-" + Guid.NewGuid().ToString("N"), "key.pem"));
        var store = new MemoryLicenseStore();
        var products = new MemoryProductStore();
        await new ProductService(products, TimeProvider.System).PutAsync(Account, "my-plugin",
            new ProductInput("My Plugin", [new PlanInput("pro", "Pro", "subscription", 365, 3, ["analytics", "export"])]), default);
        _issuance = new LicenseService(store, products, _signer, TimeProvider.System);
        var license = await _issuance.IssueAsync(Account, Licensing.Domain.Audit.Actor.Admin,
            new IssueLicenseInput("my-plugin", "c@example.com", ["customer-site.com"], "pro", null, null, null, null), default);
        var clock = TimeProvider.System;
        var keys = _keys = new PublicKeyCache(_signer, clock);
        await keys.LoadAsync(default);
        var delegated = new DelegatedKeyProvider(_signer, new MemoryRegistry(), clock);
        _certificates = new CertificateIssuer(delegated, clock, new CertificateCache(clock, CertificateCache.DefaultWindow));
        _certificatesNoReuse = new CertificateIssuer(delegated, clock);
        _license = license;
        _store = store;
        _products = new ProductCache(products, clock);
        _aliases = new Licensing.Domain.KeyAliases.KeyAliasLookup(new NoAliases(), clock, TimeSpan.Zero);
        _activations = new ActivationService(store, clock);
        _activity = new ActivityRecorder(clock);
        _usage = new Licensing.Domain.Usage.UsageCache(new NoUsage(), clock);
        _quotas = new Licensing.Domain.Quotas.QuotaGate(new Licensing.Domain.Quotas.UnlimitedQuotaStore(), clock);
        _validation = new ValidateLicense(
            new KeyedLicenseReader(keys, new VerifiedKeyCache(), new AbuseGuard(clock, RateLimitSettings.Unlimited), store,
                new LicenseReadCache(clock, TimeSpan.Zero), _products, _aliases),
            _activations, _certificates, _activity, _usage, _quotas, clock);
        _request = new ValidationRequest(license.Key, "customer-site.com", null, ["export"], "my-plugin");
        var first = await _validation.ValidateAsync(_request, "203.0.113.7", default);
        if (first.Code != ValidationCode.Valid || first.Certificate is null) throw new InvalidOperationException("setup: not valid");
        _function = new Licensing.Functions.Validation.ValidateFunction(_validation, new AbuseGuard(clock, RateLimitSettings.Unlimited),
            new Licensing.Functions.Http.PublicPathBudget(
                Microsoft.Extensions.Options.Options.Create(new Licensing.Functions.Hosting.LicensingOptions()), clock),
            clock);
        _services = FunctionServices();
        _requestBody = Encoding.UTF8.GetBytes($"{{\"key\":\"{license.Key}\",\"domain\":\"customer-site.com\",\"features\":[\"export\"]}}");
        if (await ValidateOverFunction() < 1000) throw new InvalidOperationException("setup: the function's answer is too short");

        _rawKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _data = Encoding.ASCII.GetBytes(license.Key[..license.Key.LastIndexOf('.')]);
        _signature = _rawKey.SignData(_data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        _digest = SHA256.HashData(_data);
    }

    [Benchmark(Baseline = true, Description = "raw ES256 verify")]
    public bool RawVerify() => _rawKey.VerifyData(_data, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark(Description = "raw ES256 sign")]
    public byte[] RawSign() => _rawKey.SignHash(_digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark(Description = "raw ES256 sign + verify")]
    public bool RawSignAndVerify() =>
        _rawKey.VerifyHash(_digest, _rawKey.SignHash(_digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark(Description = "repeat validate + certificate (in-process, in-memory store)")]
    public async Task<Verdict> Validate() => await _validation.ValidateAsync(_request, "203.0.113.7", default);

    /// <summary>
    /// The function as HTTP calls it, without the network: the request's JSON read from its body, the same repeat validation, and the
    /// answer serialized into the response body (a null stream). What a validation costs beyond an empty function's HTTP.
    /// </summary>
    [Benchmark(Description = "repeat validate over the function (JSON in, JSON answer out, no network)")]
    public Task<long> ValidateOverFunction() => CallAsync(_function, _requestBody, _services);

    /// <summary>One call of the function as HTTP makes it, without the network; returns the answer's length in bytes.</summary>
    internal static async Task<long> CallAsync(Licensing.Functions.Validation.ValidateFunction function, byte[] body, IServiceProvider services)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Connection.RemoteIpAddress = Address;
        context.RequestServices = services;
        var counted = new CountingStream();
        context.Response.Body = counted;
        var result = await function.Validate(context.Request, default);
        await result.ExecuteResultAsync(new Microsoft.AspNetCore.Mvc.ActionContext(context, new Microsoft.AspNetCore.Routing.RouteData(), Descriptor));
        await context.Response.BodyWriter.FlushAsync();
        return counted.Written;
    }

    /// <summary>The services an action result asks its context for (options), and nothing else.</summary>
    internal static IServiceProvider FunctionServices() =>
        Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(
            Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions.AddOptions(
                new Microsoft.Extensions.DependencyInjection.ServiceCollection()));

    private static readonly Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor Descriptor = new();
    private static readonly System.Net.IPAddress Address = System.Net.IPAddress.Parse("203.0.113.7");
    private IServiceProvider _services = null!;

    /// <summary>
    /// A response body that keeps only how many bytes were written to it. Its flush completes at once, as Kestrel's does for an
    /// answer already in its buffers: <see cref="Stream.FlushAsync(CancellationToken)"/> left to the base class runs
    /// <see cref="Flush"/> on the thread pool, and every call measured here would then finish on another thread.
    /// </summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }

    [Benchmark(Description = "first-sight validate + certificate (verify + sign)")]
    public async Task<Verdict> ValidateFirstSight()
    {
        // A fresh verified-key cache and a domain whose certificate is not held: both signature operations run.
        var reader = new KeyedLicenseReader(_keys, new VerifiedKeyCache(), new AbuseGuard(TimeProvider.System, RateLimitSettings.Unlimited), _store,
            new LicenseReadCache(TimeProvider.System, TimeSpan.Zero), _products, _aliases);
        var validation = new ValidateLicense(reader, _activations, _certificatesNoReuse, _activity, _usage, _quotas, TimeProvider.System);
        return await validation.ValidateAsync(_request, "203.0.113.7", default);
    }

    [Benchmark(Description = "certificate signing alone")]
    public async Task<string> Certificate() =>
        await _certificates.IssueAsync(_license, "customer-site.com", null, DateTimeOffset.UtcNow.AddHours(72), PlanPolicy.Default, false, default);

    [Benchmark(Description = "domain normalisation (URL with www, port, path), a site seen before")]
    public string? NormalizeDomain() => Licensing.Domain.Domains.DomainName.Normalize("https://www.Customer-Site.com:8443/shop/cart?x=1");

    [Benchmark(Description = "domain normalisation (URL with www, port, path), worked out afresh")]
    public string? NormalizeDomainAfresh() => Licensing.Domain.Domains.DomainName.NormalizeUncached("https://www.Customer-Site.com:8443/shop/cart?x=1");

    [Benchmark(Description = "domain normalisation (IDN), a site seen before")]
    public string? NormalizeIdn() => Licensing.Domain.Domains.DomainName.Normalize("https://www.bücher-laden.de/");

    [Benchmark(Description = "domain normalisation (IDN), worked out afresh")]
    public string? NormalizeIdnAfresh() => Licensing.Domain.Domains.DomainName.NormalizeUncached("https://www.bücher-laden.de/");

    [Benchmark(Description = "registrable domain (Public Suffix List, 4 labels)")]
    public string? RegistrableDomain() => Licensing.Domain.Domains.PublicSuffixList.RegistrableDomain("shop.customer-site.co.uk");

    [Benchmark(Description = "wildcard binding (normalise + Public Suffix List)")]
    public string? WildcardBinding() => Licensing.Domain.Domains.HostBindings.NormalizeBinding("*.customer-site.co.uk");

    [Benchmark(Description = "development host check (staging label + Public Suffix List)")]
    public bool DevelopmentHost() => Licensing.Domain.Domains.HostBindings.IsDevelopmentHost("staging.customer-site.co.uk");

    [Benchmark(Description = "issue (local signer, in-memory store)")]
    public async Task<License> Issue() =>
        await _issuance.IssueAsync(Account, Licensing.Domain.Audit.Actor.Admin, new IssueLicenseInput("my-plugin", "c@example.com",
            ["customer-site.com"], "pro", null, null, null, null), default);

    [GlobalCleanup]
    public void Cleanup()
    {
        _signer.Dispose();
        _rawKey.Dispose();
    }

    /// <summary>Just enough of a store for the benchmark: point reads and inserts.</summary>
    internal sealed class MemoryLicenseStore : ILicenseStore
    {
        private readonly ConcurrentDictionary<string, License> _items = new();

        public Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct) =>
            Task.FromResult(_items.GetValueOrDefault(licenseId));

        public Task AddAsync(License license, IReadOnlyList<Activation> activations, IReadOnlyList<Licensing.Domain.Audit.ChangeRecord> journal,
            CancellationToken ct)
        {
            _items[license.Id] = license with { Version = "W/\"1\"" }; // as storage answers: with its ETag
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<Activation>> ListActivationsAsync(License license, CancellationToken ct) => throw new NotSupportedException();

        public Task<Activation?> GetActivationAsync(License license, string activationId, CancellationToken ct) => throw new NotSupportedException();

        public Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<Licensing.Domain.Audit.ChangeRecord> journal,
            CancellationToken ct) =>
            throw new NotSupportedException();

        public Task DeleteAsync(License license, Licensing.Domain.Audit.ChangeRecord journal, CancellationToken ct) => throw new NotSupportedException();

        public Task<LicensePage> ListAsync(string accountId, LicenseQuery query, DateTimeOffset now, CancellationToken ct) => throw new NotSupportedException();
    }

    internal sealed class NoAliases : Licensing.Domain.KeyAliases.IKeyAliasStore
    {
        public Task<Licensing.Domain.KeyAliases.KeyAliasOwner?> GetAsync(string hash, CancellationToken ct) =>
            Task.FromResult<Licensing.Domain.KeyAliases.KeyAliasOwner?>(null);
        public Task<bool> AddAsync(string hash, Licensing.Domain.KeyAliases.KeyAliasOwner owner, CancellationToken ct) => Task.FromResult(false);
        public Task ReplaceAsync(string hash, Licensing.Domain.KeyAliases.KeyAliasOwner owner, string version, CancellationToken ct) => Task.CompletedTask;
        public Task<bool> DeleteAsync(string hash, string version, CancellationToken ct) => Task.FromResult(false);
    }

    internal sealed class NoUsage : Licensing.Domain.Usage.IUsageLedger
    {
        public Task<bool> AddAsync(string accountId, string licenseId, string period, string idempotencyKey, long quantity, DateTimeOffset at,
            CancellationToken ct) => Task.FromResult(true);
        public Task<long> GetTotalAsync(string accountId, string licenseId, string period, CancellationToken ct) => Task.FromResult(0L);
    }

    internal sealed class MemoryRegistry : IDelegatedKeyRegistry
    {
        public Task UpsertAsync(DelegatedKeyRegistration key, CancellationToken ct) => Task.CompletedTask;

        public Task<IReadOnlyList<DelegatedKeyRegistration>> ListLiveAsync(DateTimeOffset now, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<DelegatedKeyRegistration>>([]);
    }

    internal sealed class MemoryProductStore : IProductStore
    {
        private Product? _product;

        public Task<Product?> GetAsync(string accountId, string productId, CancellationToken ct) => Task.FromResult(_product);

        public Task<IReadOnlyList<Product>> ListAsync(string accountId, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<Product>>(_product is null ? [] : [_product]);

        public Task<bool> UpsertAsync(Product product, CancellationToken ct)
        {
            _product = product;
            return Task.FromResult(true);
        }
    }
}
