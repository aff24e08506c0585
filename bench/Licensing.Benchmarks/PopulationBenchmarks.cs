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
using Licensing.Functions.Validation;

namespace Licensing.Benchmarks;

/// <summary>
/// Repeat validations over the function, as the load harness sends them, spread over a population of licenses (each
/// validated in turn, two sites each): what a validation costs when its license's state is one of many in memory rather than
/// the one the processor just touched. The caches are as the app configures them (license cache 5 s, certificate reuse, the
/// verified-key cache); the store is in memory, so an expired license entry costs a dictionary read, not storage.
/// </summary>
[MemoryDiagnoser]
public class PopulationBenchmarks
{
    private const string Account = "acct_00000000000000bb";
    private LocalRootSigner _signer = null!;
    private ValidateFunction _function = null!;
    private IServiceProvider _services = null!;
    private byte[][] _bodies = null!;
    private int _next;

    [Params(1, 3000)]
    public int Licenses { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var clock = TimeProvider.System;
        _signer = new LocalRootSigner(Path.Combine(Path.GetTempPath(), "licensing-bench-" + Guid.NewGuid().ToString("N"), "key.pem"));
        var store = new ValidationBenchmarks.MemoryLicenseStore();
        var products = new ValidationBenchmarks.MemoryProductStore();
        await new ProductService(products, clock).PutAsync(Account, "my-plugin",
            new ProductInput("My Plugin", [new PlanInput("pro", "Pro", "subscription", 365, 3, ["analytics", "export"])]), default);
        var issuance = new LicenseService(store, products, _signer, clock);
        var keys = new PublicKeyCache(_signer, clock);
        await keys.LoadAsync(default);
        var delegated = new DelegatedKeyProvider(_signer, new ValidationBenchmarks.MemoryRegistry(), clock);
        var guard = new AbuseGuard(clock, RateLimitSettings.Unlimited);
        var validation = new ValidateLicense(
            new KeyedLicenseReader(keys, new VerifiedKeyCache(), guard, store, new LicenseReadCache(clock, TimeSpan.FromSeconds(5)),
                new ProductCache(products, clock), new Licensing.Domain.KeyAliases.KeyAliasLookup(new ValidationBenchmarks.NoAliases(), clock, TimeSpan.Zero)),
            new ActivationService(store, clock), new CertificateIssuer(delegated, clock, new CertificateCache(clock, CertificateCache.DefaultWindow)),
            new ActivityRecorder(clock), new Licensing.Domain.Usage.UsageCache(new ValidationBenchmarks.NoUsage(), clock),
            new Licensing.Domain.Quotas.QuotaGate(new Licensing.Domain.Quotas.UnlimitedQuotaStore(), clock), clock);
        _function = new ValidateFunction(validation, guard,
            new Licensing.Functions.Http.PublicPathBudget(
                Microsoft.Extensions.Options.Options.Create(new Licensing.Functions.Hosting.LicensingOptions()), clock),
            clock);
        _services = ValidationBenchmarks.FunctionServices();
        var bodies = new List<byte[]>();
        for (var i = 0; i < Licenses; i++)
        {
            string[] sites = [$"site{i}-a.example-customer.com", $"site{i}-b.example-customer.com"];
            var license = await issuance.IssueAsync(Account, Licensing.Domain.Audit.Actor.Admin,
                new IssueLicenseInput("my-plugin", "c@example.com", sites, "pro", null, null, null, null), default);
            foreach (var site in sites) bodies.Add(Encoding.UTF8.GetBytes($"{{\"key\":\"{license.Key}\",\"domain\":\"{site}\"}}"));
        }
        // Interleaved as the load harness's random picks are: consecutive requests name different licenses.
        _bodies = [.. bodies.Where((_, i) => i % 2 == 0), .. bodies.Where((_, i) => i % 2 == 1)];
        for (var i = 0; i < _bodies.Length; i++)
            if (await ValidateOverFunction() < 1000) throw new InvalidOperationException("setup: an answer is too short");
    }

    /// <summary>The function as HTTP calls it, without the network, for the next license of the population.</summary>
    [Benchmark(Description = "repeat validate over the function, population")]
    public Task<long> ValidateOverFunction() => ValidationBenchmarks.CallAsync(_function, _bodies[_next++ % _bodies.Length], _services);

    [GlobalCleanup]
    public void Cleanup() => _signer.Dispose();
}
