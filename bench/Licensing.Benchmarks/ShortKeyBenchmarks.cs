using System.Collections.Concurrent;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Licensing.Domain.Activations;
using Licensing.Domain.Activity;
using Licensing.Domain.Common;
using Licensing.Domain.KeyAliases;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Domain.ShortKeys;
using Licensing.Domain.Signing;
using Licensing.Domain.Validation;
using Licensing.Functions.Signing;
using static Licensing.Benchmarks.ValidationBenchmarks;

namespace Licensing.Benchmarks;

/// <summary>
/// The short-key validate path beside the signed one, in one run (docs/performance.md, "Short keys"): a signed key costs an
/// ES256 verify; a short key costs an HMAC (the MAC check) plus a SHA-256 and one alias point read (in memory here).
/// </summary>
[MemoryDiagnoser]
public class ShortKeyBenchmarks
{
    private const string Account = "acct_00000000000000aa";
    private LocalRootSigner _signer = null!;
    private ShortKeyRing _ring = null!;
    private ValidateLicense _signedValidation = null!;
    private ValidateLicense _shortValidation = null!;
    private ValidationRequest _signed = null!;
    private ValidationRequest _short = null!;
    private ValidationRequest _typed = null!;
    private ValidationRequest _forged = null!;
    private string _shortKey = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _signer = new LocalRootSigner(Path.Combine(Path.GetTempPath(), "licensing-bench-" + Guid.NewGuid().ToString("N"), "key.pem"));
        _ring = new ShortKeyRing(new Secrets());
        (_signedValidation, var signedKey) = await RuntimeAsync(null);
        (_shortValidation, _shortKey) = await RuntimeAsync("short");
        _signed = Request(signedKey);
        _short = Request(_shortKey);
        _typed = Request(_shortKey.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
        _forged = Request(_shortKey[..^1] + (_shortKey[^1] == 'A' ? 'B' : 'A'));
        foreach (var (request, code) in new[] { (_signed, ValidationCode.Valid), (_short, ValidationCode.Valid), (_typed, ValidationCode.Valid),
            (_forged, ValidationCode.NotFound) })
            if ((await (request == _signed ? _signedValidation : _shortValidation).ValidateAsync(request, "203.0.113.7", default)).Code != code)
                throw new InvalidOperationException($"setup: {request.Key} is not {code}");
    }

    private static ValidationRequest Request(string key) => new(key, "customer-site.com", null, ["export"], "my-plugin");

    private async Task<(ValidateLicense, string)> RuntimeAsync(string? keyFormat)
    {
        var clock = TimeProvider.System;
        var store = new MemoryLicenseStore();
        var products = new MemoryProductStore();
        var aliases = new MemoryAliases();
        await new ProductService(products, clock).PutAsync(Account, "my-plugin",
            new ProductInput("My Plugin", [new PlanInput("pro", "Pro", "subscription", 365, 3, ["analytics", "export"])], KeyFormat: keyFormat), default);
        var license = await new LicenseService(store, products, _signer, clock, shortKeys: new ShortKeyIssuer(_ring, aliases))
            .IssueAsync(Account, Licensing.Domain.Audit.Actor.Admin,
                new IssueLicenseInput("my-plugin", "c@example.com", ["customer-site.com"], "pro", null, null, null, null), default);
        var keys = new PublicKeyCache(_signer, clock);
        await keys.LoadAsync(default);
        var validation = new ValidateLicense(
            new KeyedLicenseReader(keys, new VerifiedKeyCache(), new AbuseGuard(clock, RateLimitSettings.Unlimited), store,
                new LicenseReadCache(clock, TimeSpan.Zero), new ProductCache(products, clock), new KeyAliasLookup(aliases, clock, TimeSpan.Zero), _ring),
            new ActivationService(store, clock), new CertificateIssuer(new DelegatedKeyProvider(_signer, new MemoryRegistry(), clock), clock),
            new ActivityRecorder(clock), new Licensing.Domain.Usage.UsageCache(new NoUsage(), clock),
            new Licensing.Domain.Quotas.QuotaGate(new Licensing.Domain.Quotas.UnlimitedQuotaStore(), clock), clock);
        return (validation, license.CustomerKey);
    }

    [Benchmark(Baseline = true, Description = "validate + certificate, signed key")]
    public async Task<Verdict> ValidateSigned() => await _signedValidation.ValidateAsync(_signed, "203.0.113.7", default);

    [Benchmark(Description = "validate + certificate, short key")]
    public async Task<Verdict> ValidateShort() => await _shortValidation.ValidateAsync(_short, "203.0.113.7", default);

    [Benchmark(Description = "validate + certificate, short key typed lower case without dashes")]
    public async Task<Verdict> ValidateTyped() => await _shortValidation.ValidateAsync(_typed, "203.0.113.7", default);

    [Benchmark(Description = "validate, forged short key (NOT_FOUND, no storage read)")]
    public async Task<Verdict> ValidateForged() => await _shortValidation.ValidateAsync(_forged, "203.0.113.7", default);

    [Benchmark(Description = "short key MAC check alone")]
    public bool MacCheck() => _ring.TryVerify(_shortKey, out _);

    [GlobalCleanup]
    public void Cleanup() => _signer.Dispose();

    private sealed class Secrets : IShortKeySecrets
    {
        private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
        public int CurrentVersion => 1;
        public byte[]? Get(int version) => version == 1 ? _secret : null;
    }

    /// <summary>The alias rows: point reads and inserts.</summary>
    private sealed class MemoryAliases : IKeyAliasStore
    {
        private readonly ConcurrentDictionary<string, KeyAliasOwner> _rows = new();
        public Task<KeyAliasOwner?> GetAsync(string hash, CancellationToken ct) => Task.FromResult(_rows.GetValueOrDefault(hash));
        public Task<bool> AddAsync(string hash, KeyAliasOwner owner, CancellationToken ct) => Task.FromResult(_rows.TryAdd(hash, owner));
        public Task ReplaceAsync(string hash, KeyAliasOwner owner, string version, CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> DeleteAsync(string hash, string version, CancellationToken ct) => throw new NotSupportedException();
    }
}
