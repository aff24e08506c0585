using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Licensing.Domain.Common;
using Licensing.Domain.HotRefresh;
using Licensing.Domain.Licenses;
using Licensing.Functions.HotRefresh;
using Licensing.Functions.Licenses;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Licensing.Tests.HotRefresh;

/// <summary>
/// A validating host whose own background refresher is off (or on, when asked), its public-path license reads counted and
/// switchable to a storage outage, and a refresher over the same cache whose every HTTP request to storage is counted.
/// </summary>
public sealed class HotRefreshRig : IAsyncDisposable
{
    private HotRefreshRig(TestHost host, TestClock clock, ObservedLicenses reads)
    {
        Host = host;
        Clock = clock;
        Reads = reads;
    }

    public TestHost Host { get; }
    public TestClock Clock { get; }

    /// <summary>The public path's point reads of licenses on this host (the license cache's misses).</summary>
    public ObservedLicenses Reads { get; }

    public static async Task<HotRefreshRig> StartAsync(bool backgroundRefresh = false)
    {
        var clock = new TestClock();
        ObservedLicenses? reads = null;
        var host = await TestHost.StartAsync(clock: clock, queues: false, settings: new Dictionary<string, string?>
        {
            ["Licensing:HotRefresh:IntervalSeconds"] = backgroundRefresh ? "1" : "0",
            ["Licensing:RateLimits:PerKeyBurst"] = "1000000",
            ["Licensing:RateLimits:PerKeyPerSecond"] = "1000000",
        }, services: s => s.Replace(ServiceDescriptor.Singleton<ILicenseStore>(sp =>
            reads = new ObservedLicenses(sp.GetRequiredService<LicenseTableStore>()))));
        _ = host.Services.GetRequiredService<ILicenseStore>();
        return new HotRefreshRig(host, clock, reads!);
    }

    /// <summary>A refresher over this host's license cache, reading through <paramref name="storage"/> (Azurite unless given).</summary>
    public (HotLicenseRefresher Refresher, CountingHandler Requests) Refresher(HotRefreshSettings? settings = null, string? storage = null,
        TimeSpan? eachReadTakes = null, int pageSize = 1000)
    {
        var requests = new CountingHandler(Clock, eachReadTakes ?? TimeSpan.Zero) { InnerHandler = new HttpClientHandler() };
        var service = new TableServiceClient(storage ?? TestHost.Azurite,
            new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(requests)), Retry = { MaxRetries = 0 } });
        var reader = new LicenseBatchTableReader(new TableStorage(service), Host.Services.GetRequiredService<LicenseTableStore>(), pageSize);
        return (new HotLicenseRefresher(Host.Services.GetRequiredService<LicenseReadCache>(), reader, Clock,
            settings ?? new HotRefreshSettings()), requests);
    }

    public async Task<string> CodeAsync(string key, string domain = "customer-site.com") =>
        (await Host.PostAsync("v1/validate", new { key, domain })).Json.GetProperty("code").GetString()!;

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>
/// Counts the HTTP requests a storage client sends, keeping each one's address and answer; each takes <paramref name="takes"/> on the
/// test clock (a slow read).
/// </summary>
public sealed class CountingHandler(TestClock clock, TimeSpan takes) : DelegatingHandler
{
    private int _count;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Uri Address, string Answer)> _exchanges = new();

    public int Count => Volatile.Read(ref _count);

    /// <summary>The requests sent, in order, with the answers' bodies.</summary>
    public IReadOnlyList<(Uri Address, string Answer)> Exchanges => [.. _exchanges];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        _exchanges.Enqueue((request.RequestUri!, await response.Content.ReadAsStringAsync(cancellationToken)));
        clock.Advance(takes);
        return response;
    }
}

/// <summary>The license store, its point reads counted, and a switch that makes them fail as an outage does (the fault guard's exception).</summary>
public sealed class ObservedLicenses(ILicenseStore inner) : DelegatingLicenseStore(inner)
{
    private int _gets;

    public int Gets => Volatile.Read(ref _gets);
    public bool Down { get; set; }

    public override Task<License?> GetAsync(string accountId, string licenseId, CancellationToken ct)
    {
        Interlocked.Increment(ref _gets);
        return Down ? throw new ServiceUnavailableException("storage is unavailable") : base.GetAsync(accountId, licenseId, ct);
    }
}
