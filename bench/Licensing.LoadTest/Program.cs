using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.LoadTest;

/// <summary>
/// Load harness (bench/load.sh): provisions a realistic population through the API, then drives each phase at a fixed
/// concurrency for a fixed time and reports requests/s, p50/p95/p99 and errors. Phases: the framework floor (an empty
/// function on the same host), the storage floor (Azure.Data.Tables point reads on the same Azurite), validate (with
/// its certificate) on the default configuration and with the license cache off, and one hot license validated from
/// thousands of sites. Last lines: "validate/framework ratio: X" (hot validate with the default population and caches on,
/// over the empty function, same run) and "validate/floor ratio: X". Storage: Azurite on its default ports, or the
/// connection string in LICENSING_TEST_STORAGE (several checkouts on one machine, each with its own Azurite).
/// </summary>
public static class LoadTestProgram
{
    private static readonly string Azurite = Environment.GetEnvironmentVariable("LICENSING_TEST_STORAGE") is { Length: > 0 } s ? s
        : "UseDevelopmentStorage=true";

    public static async Task<int> Main(string[] args)
    {
        var o = Options.Parse(args);
        Console.WriteLine(
            $"load: {o.Licenses} licenses over {o.Products} products, concurrency {o.Concurrency}, {o.Seconds} s per phase, soak {o.SoakSeconds} s");
        await using var cached = await HostAsync(o, licenseCacheSeconds: 5);
        await using var uncached = await HostAsync(o, licenseCacheSeconds: 0); // and no certificate reuse
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = o.Concurrency * 2, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var sw = Stopwatch.StartNew();
        var population = await Population.ProvisionAsync(http, cached.BaseUrl, o);
        Console.WriteLine($"provisioned {population.Licenses.Count} licenses and {population.Licenses.Sum(l => l.Domains.Length)} domain activations"
            + $" in {sw.Elapsed.TotalSeconds:F1} s");

        var table = new TableClient(Azurite, "licenses");
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        Func<Task<bool>> ping = async () => (await http.GetAsync(cached.BaseUrl + "v1/ping")).StatusCode == HttpStatusCode.NoContent;
        Func<Task<bool>> read = async () =>
        {
            var l = population.Licenses[random.Value!.Next(population.Licenses.Count)];
            return (await table.GetEntityIfExistsAsync<TableEntity>(population.AccountId, l.Id)).HasValue;
        };
        Func<string, Func<Task<bool>>> validate = baseUrl => async () =>
        {
            var l = population.Licenses[random.Value!.Next(population.Licenses.Count)];
            return await ValidAsync(http, baseUrl, l.Key, l.Domains[random.Value.Next(l.Domains.Length)]);
        };
        var hot = population.Hot;
        Func<Task<bool>> hotValidate = () => ValidAsync(http, cached.BaseUrl, hot, $"site{random.Value!.Next(5000)}.example-customer.com");

        // Every license validated once on the cached host, as a running instance's traffic has: the phases then measure the steady
        // state of a hot population, not the first read of each license (at a few hundred reads/s that alone would take the phase).
        sw.Restart();
        await Parallel.ForEachAsync(population.Licenses, new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (l, _) =>
        {
            if (!await ValidAsync(http, cached.BaseUrl, l.Key, l.Domains[0])) throw new InvalidOperationException($"warm-up: {l.Id} did not validate");
        });
        Console.WriteLine($"warm-up: every license validated once in {sw.Elapsed.TotalSeconds:F1} s");
        await Phase.RunAsync("warm-up", validate(cached.BaseUrl), o.Concurrency, TimeSpan.FromSeconds(3), quiet: true);
        await Phase.RunAsync("warm-up", validate(uncached.BaseUrl), o.Concurrency, TimeSpan.FromSeconds(2), quiet: true);
        var framework = await Phase.RunAsync("framework floor: GET /v1/ping", ping, o.Concurrency, o.Duration);
        var storage = await Phase.RunAsync("storage floor: Table point read", read, o.Concurrency, o.Duration);
        var valid = await Phase.RunAsync("validate + certificate (default: caches on)", validate(cached.BaseUrl), o.Concurrency, o.Duration);
        var validUncached = await Phase.RunAsync("validate + certificate (license cache, reuse off)", validate(uncached.BaseUrl), o.Concurrency, o.Duration);
        var hotSpot = await Phase.RunAsync("hot spot: one license, 5,000 sites", hotValidate, o.Concurrency, o.Duration);

        if (o.SoakSeconds > 0) await SoakAsync(validate(cached.BaseUrl), o);

        var floor = Math.Min(framework.Rps, storage.Rps);
        Console.WriteLine();
        Console.WriteLine($"floor = min(framework {framework.Rps:F0}, storage {storage.Rps:F0}) = {floor:F0} req/s");
        Console.WriteLine($"uncached validate/floor ratio: {validUncached.Rps / floor:F2}");
        Console.WriteLine($"hot-spot validate/floor ratio: {hotSpot.Rps / floor:F2}");
        var errors = framework.Errors + storage.Errors + valid.Errors + validUncached.Errors + hotSpot.Errors;
        Console.WriteLine($"errors: {errors}");
        Console.WriteLine($"validate/framework ratio: {valid.Rps / framework.Rps:F2}");
        Console.WriteLine($"validate/floor ratio: {valid.Rps / floor:F2}");
        return errors == 0 ? 0 : 1;
    }

    private static async Task<bool> ValidAsync(HttpClient http, string baseUrl, string key, string domain)
    {
        using var content = new StringContent($"{{\"key\":\"{key}\",\"domain\":\"{domain}\"}}", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(baseUrl + "v1/validate", content);
        if (response.StatusCode != HttpStatusCode.OK) return false;
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return doc.RootElement.GetProperty("code").GetString() == "VALID" && doc.RootElement.TryGetProperty("certificate", out var c)
            && c.GetString()!.Length > 100;
    }

    private static async Task SoakAsync(Func<Task<bool>> operation, Options o)
    {
        Console.WriteLine();
        Console.WriteLine($"soak: {o.SoakSeconds} s of validate at concurrency {o.Concurrency}; working set and GC counts every 10 s");
        using var process = Process.GetCurrentProcess();
        var samples = new List<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(o.SoakSeconds));
        var sampler = Task.Run(async () =>
        {
            var start = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                GC.Collect(0, GCCollectionMode.Optimized, blocking: false);
                samples.Add($"  t={start.Elapsed.TotalSeconds,5:F0}s  working set {process.WorkingSet64 / 1048576,5} MiB"
                    + $"  managed {GC.GetTotalMemory(false) / 1048576,5} MiB"
                    + $"  gen0 {GC.CollectionCount(0),6}  gen1 {GC.CollectionCount(1),5}  gen2 {GC.CollectionCount(2),4}");
                try { await Task.Delay(TimeSpan.FromSeconds(10), stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var result = await Phase.RunAsync("soak: validate", operation, o.Concurrency, TimeSpan.FromSeconds(o.SoakSeconds));
        await sampler;
        foreach (var s in samples) Console.WriteLine(s);
        if (result.Errors > 0) throw new InvalidOperationException($"soak had {result.Errors} errors");
    }

    private static async Task<RunningHost> HostAsync(Options o, int licenseCacheSeconds)
    {
        var dir = Path.Combine(Path.GetTempPath(), "licensing-load-" + Environment.ProcessId);
        var app = LocalFunctionsHost.Build([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Licensing:StorageConnection"] = Azurite,
            ["Licensing:AdminKey"] = "load-admin-key",
            ["Licensing:Signing:LocalKeyPath"] = Path.Combine(dir, "signing-key.pem"),
            ["Licensing:LocalSecretsKeyPath"] = Path.Combine(dir, "dataprotection"),
            ["Licensing:LicenseCacheSeconds"] = licenseCacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Licensing:CertificateReuseSeconds"] = licenseCacheSeconds == 0 ? "0" : "60",
            ["Licensing:RateLimits:PerKeyBurst"] = "1e12",
            ["Licensing:RateLimits:PerKeyPerSecond"] = "1e12",
            ["Licensing:RateLimits:PerAddressBurst"] = "1e12",
            ["Licensing:RateLimits:PerAddressPerSecond"] = "1e12",
            ["LocalHost:DisableTimers"] = "true",
            ["Logging:LogLevel:Default"] = "Error",
        }, FindRoot());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(app, address.TrimEnd('/') + "/api/");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Licensing.Functions.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    private sealed record RunningHost(WebApplication App, string BaseUrl) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}

public sealed record Options(int Licenses, int Products, int Concurrency, int Seconds, int SoakSeconds)
{
    public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

    public static Options Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        }
        return new Options(Get("licenses", 3000), Get("products", 25), Get("concurrency", 32), Get("seconds", 20), Get("soak-seconds", 0));
    }
}

public sealed record PhaseResult(string Name, long Requests, long Errors, double Rps, double P50, double P95, double P99);

public static class Phase
{
    /// <summary>Runs <paramref name="operation"/> from <paramref name="concurrency"/> workers for <paramref name="duration"/>.</summary>
    public static async Task<PhaseResult> RunAsync(string name, Func<Task<bool>> operation, int concurrency, TimeSpan duration, bool quiet = false)
    {
        var latencies = new List<double>[concurrency];
        long errors = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            while (Stopwatch.GetTimestamp() < until)
            {
                var t0 = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await operation(); }
                catch (Exception) { ok = false; }
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (!ok) Interlocked.Increment(ref errors);
            }
        })));
        var elapsed = started.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        var result = new PhaseResult(name, all.Length, errors, all.Length / elapsed, P(0.50), P(0.95), P(0.99));
        if (!quiet)
            Console.WriteLine($"{name,-55} {result.Rps,8:F0} req/s   p50 {result.P50,6:F2} ms   p95 {result.P95,6:F2} ms   p99 {result.P99,6:F2} ms"
                + $"   errors {result.Errors}");
        return result;
    }
}

public sealed record ProvisionedLicense(string Id, string Key, string[] Domains);

public sealed record Population(string AccountId, IReadOnlyList<ProvisionedLicense> Licenses, string Hot)
{
    public static async Task<Population> ProvisionAsync(HttpClient http, string baseUrl, Options o)
    {
        var account = await (await Post(http, baseUrl + "v1/accounts", new { name = "Load", email = "load@example.com", tier = "unlimited" },
            "load-admin-key")).Content.ReadFromJsonAsync<JsonElement>();
        var accountId = account.GetProperty("accountId").GetString()!;
        var apiKey = account.GetProperty("apiKey").GetString()!;
        for (var p = 0; p < o.Products; p++)
            (await Put(http, $"{baseUrl}v1/products/product-{p}", new
            {
                name = $"Product {p}",
                plans = new object[]
                {
                    new { id = "pro", model = "subscription", durationDays = 365, maxActivations = 3, features = new[] { "core", "export" } },
                    new { id = "agency", model = "subscription", durationDays = 365, maxActivations = (int?)null,
                        features = new[] { "core", "export", "white-label" } },
                },
            }, apiKey)).EnsureSuccessStatusCode();

        var licenses = new System.Collections.Concurrent.ConcurrentBag<ProvisionedLicense>();
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Licenses), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var domains = Enumerable.Range(0, 1 + i % 3).Select(d => $"customer{i}-{d}.example-shop.com").ToArray();
            var r = await Post(http, baseUrl + "v1/licenses",
                new { productId = $"product-{i % o.Products}", customerEmail = $"customer{i}@example.com", plan = "pro", domains }, apiKey);
            r.EnsureSuccessStatusCode();
            var l = await r.Content.ReadFromJsonAsync<JsonElement>();
            licenses.Add(new ProvisionedLicense(l.GetProperty("licenseId").GetString()!, l.GetProperty("licenseKey").GetString()!, domains));
        });
        var hot = await (await Post(http, baseUrl + "v1/licenses", new { productId = "product-0", customerEmail = "agency@example.com", plan = "agency" },
            apiKey)).Content.ReadFromJsonAsync<JsonElement>();
        return new Population(accountId, [.. licenses], hot.GetProperty("licenseKey").GetString()!);
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string url, object body, string bearer) => Send(http, HttpMethod.Post, url, body, bearer);
    private static Task<HttpResponseMessage> Put(HttpClient http, string url, object body, string bearer) => Send(http, HttpMethod.Put, url, body, bearer);

    private static Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string url, object body, string bearer)
    {
        var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return http.SendAsync(request);
    }
}
