using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.LoadTest;

/// <summary>
/// Load harness (bench/load.sh): provisions a realistic population through the API, then drives each phase at a fixed
/// concurrency for a fixed time and reports requests/s, p50/p95/p99 and errors. Phases: the framework floor (an empty
/// function on the same host), the storage floor (Azure.Data.Tables point reads on the same Azurite), validate (with
/// its certificate) on the default configuration and with the license cache off, and one hot license validated from
/// thousands of sites; then ping and validate again in alternating 1 s rounds. Last lines: "validate/framework ratio: X" (validate
/// with the default population and caches on, over the empty function, from the interleaved rounds: the ratio of their totals)
/// and "validate/floor ratio: X". Storage: Azurite on its default ports, or the connection string in LICENSING_TEST_STORAGE
/// (several checkouts on one machine, each with its own Azurite).
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
        Console.WriteLine($"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {System.Runtime.GCSettings.LatencyMode}");
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
        // Addresses and request bodies are made once, as a load generator's are (wrk, bombardier): each request then costs the generator
        // a pick and a send, for ping and validate alike, and the rounds measure the host's work rather than the generator's formatting.
        var pingUrl = new Uri(cached.BaseUrl + "v1/ping");
        Func<Task<bool>> ping = async () => (await http.GetAsync(pingUrl)).StatusCode == HttpStatusCode.NoContent;
        Func<Task<bool>> read = async () =>
        {
            var l = population.Licenses[random.Value!.Next(population.Licenses.Count)];
            return (await table.GetEntityIfExistsAsync<TableEntity>(population.AccountId, l.Id)).HasValue;
        };
        // Any license of the population, on any of its sites.
        byte[] anyBody()
        {
            var l = population.Licenses[random.Value!.Next(population.Licenses.Count)];
            return l.Bodies[random.Value.Next(l.Bodies.Length)];
        }
        Func<RunningHost, Func<Task<bool>>> validate = host => () => ValidAsync(http, host.ValidateUrl, anyBody());
        var hotBodies = Enumerable.Range(0, 5000).Select(i => ValidateBody(population.Hot, $"site{i}.example-customer.com")).ToArray();
        Func<Task<bool>> hotValidate = () => ValidAsync(http, cached.ValidateUrl, hotBodies[random.Value!.Next(hotBodies.Length)]);

        // Every license validated once on the cached host, as a running instance's traffic has: the phases then measure the steady
        // state of a hot population, not the first read of each license (at a few hundred reads/s that alone would take the phase).
        sw.Restart();
        await ValidateEachOnceAsync(http, cached.ValidateUrl, population, o, "warm-up");
        Console.WriteLine($"warm-up: every license validated once in {sw.Elapsed.TotalSeconds:F1} s");
        await Phase.RunAsync("warm-up", validate(cached), o.Concurrency, TimeSpan.FromSeconds(3), quiet: true);
        // The host's activity flush reads every license's row the first time it writes it (twice the storage requests of a later flush):
        // waited for here, so that pass does not land on the first measured phase (it made the separate ping phase the slowest of the run).
        // The host's own timed flush, not one called from here: two flushes at once would each find the other's rows changed.
        var flusher = cached.App.Services.GetRequiredService<Licensing.Domain.Activity.ActivityFlusher>();
        sw.Restart();
        var firstSight = population.Licenses.Count;
        while (flusher.Reads < firstSight || flusher.Writes < firstSight)
        {
            if (sw.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"the first activity flush did not write {firstSight} rows in 2 minutes");
            await Task.Delay(100);
        }
        Console.WriteLine($"first activity flush done before the measured phases: {flusher.Reads} rows read, {flusher.Writes} written,"
            + $" waited {sw.Elapsed.TotalSeconds:F1} s");
        var framework = await Phase.RunAsync("framework floor: GET /v1/ping", ping, o.Concurrency, o.Duration);
        var storage = await Phase.RunAsync("storage floor: Table point read", read, o.Concurrency, o.Duration);
        var valid = await Phase.RunAsync("validate + certificate (default: caches on)", validate(cached), o.Concurrency, o.Duration);
        var hotSpot = await Phase.RunAsync("hot spot: one license, 5,000 sites", hotValidate, o.Concurrency, o.Duration);
        // The same-run ratio: ping and validate (caches on) in alternating 1 s rounds, Seconds rounds of each.
        var mixed = await Interleaved.RunAsync(ping, validate(cached), o.Concurrency, o.Seconds, TimeSpan.FromSeconds(1));
        Console.WriteLine($"{$"interleaved, {mixed.Pairs} x 1 s each: GET /v1/ping",-55} {mixed.PingRps,8:F0} req/s");
        Console.WriteLine($"{"interleaved: validate + certificate (caches on)",-55} {mixed.ValidateRps,8:F0} req/s   errors {mixed.Errors}");
        if (mixed.FirstError is not null) Console.WriteLine($"  first error {mixed.FirstError}");
        var pairs = mixed.PairRatios;
        Console.WriteLine($"  per-pair validate/ping: min {pairs[0]:F2}, median {pairs[mixed.Pairs / 2]:F2}, max {pairs[^1]:F2}");
        Console.WriteLine($"  lowest pair: {mixed.WorstPair}");
        Console.WriteLine($"  other processes (Azurite, the machine's neighbours): {mixed.PingOthersCores:F2} cores in ping rounds,"
            + $" {mixed.ValidateOthersCores:F2} in validate rounds");
        // CPU time per request (client and host together, this process): the cost ratio, free of how the 2 cores were shared.
        Console.WriteLine($"  CPU per request: ping {mixed.PingCpuMicros:F1} µs, validate {mixed.ValidateCpuMicros:F1} µs"
            + $" (ping/validate {mixed.PingCpuMicros / mixed.ValidateCpuMicros:F2})");
        Console.WriteLine($"  collector per request: ping {mixed.PingGc}; validate {mixed.ValidateGc}");

        // The same rounds on the harness-only shape routes: what a GET 204 and a POST answered with validate's bytes cost with no
        // function behind them. Validate's cost beyond ping, less the shape's cost beyond the empty GET, is the validation's own.
        var root = cached.BaseUrl[..^"api/".Length];
        var (emptyUrl, shapeUrl) = (new Uri(root + "bench/empty"), new Uri(root + "bench/shape"));
        Func<Task<bool>> empty = async () => (await http.GetAsync(emptyUrl)).StatusCode == HttpStatusCode.NoContent;
        Func<Task<bool>> shape = () => ValidAsync(http, shapeUrl, anyBody(), shapeRoute: true);
        var bare = await Interleaved.RunAsync(empty, shape, o.Concurrency, o.Seconds, TimeSpan.FromSeconds(1));
        var shapeCost = bare.ValidateCpuMicros - bare.PingCpuMicros;
        Console.WriteLine($"  HTTP shape alone (no function): GET 204 {bare.PingCpuMicros:F1} µs, POST with validate's answer {bare.ValidateCpuMicros:F1} µs"
            + $" ({bare.PingRps:F0} and {bare.ValidateRps:F0} req/s): the shape costs {shapeCost:F1} µs");
        Console.WriteLine($"  collector per request: GET 204 {bare.PingGc}; POST with validate's answer {bare.ValidateGc}");
        Console.WriteLine($"  validate beyond ping {mixed.ValidateCpuMicros - mixed.PingCpuMicros:F1} µs = shape {shapeCost:F1} µs"
            + $" + the validation's own {mixed.ValidateCpuMicros - mixed.PingCpuMicros - shapeCost:F1} µs;"
            + $" a validation costing nothing beyond its shape would give ping/validate {mixed.PingCpuMicros / (mixed.PingCpuMicros + shapeCost):F2}");

        // The activity flush's storage calls on the host that served the hot phases: a license's first write reads its row, later ones
        // go a hundred to a transaction without a read while nobody else writes the row (docs/performance.md).
        await FlushCostAsync(http, cached.ValidateUrl, population, o, flusher);
        if (o.SoakSeconds > 0) await SoakAsync(validate(cached), o, flusher);
        Console.WriteLine($"activity flush (caches-on host): {flusher.Writes} rows written in {flusher.WriteRequests} requests,"
            + $" {flusher.Reads} reads over the run");

        // The caches-off host last: it validates the same licenses, so its activity flush rewrites the rows the first host's flush
        // remembers, and that flush then reads and writes each license on its own (two requests each, the designed answer to a second
        // instance) until it finds the rows as it left them. Run earlier, that extra storage traffic fell on the phases above.
        await Phase.RunAsync("warm-up", validate(uncached), o.Concurrency, TimeSpan.FromSeconds(2), quiet: true);
        var validUncached = await Phase.RunAsync("validate + certificate (license cache, reuse off)", validate(uncached), o.Concurrency, o.Duration);

        var floor = Math.Min(framework.Rps, storage.Rps);
        Console.WriteLine();
        Console.WriteLine($"floor = min(framework {framework.Rps:F0}, storage {storage.Rps:F0}) = {floor:F0} req/s");
        Console.WriteLine($"uncached validate/floor ratio: {validUncached.Rps / floor:F2}");
        Console.WriteLine($"hot-spot validate/floor ratio: {hotSpot.Rps / floor:F2}");
        var errors = framework.Errors + storage.Errors + valid.Errors + validUncached.Errors + hotSpot.Errors + mixed.Errors;
        Console.WriteLine($"errors: {errors}");
        Console.WriteLine($"separate phases: validate {valid.Rps:F0} / ping {framework.Rps:F0} = {valid.Rps / framework.Rps:F2}");
        Console.WriteLine($"validate/framework ratio: {mixed.Ratio:F2}");
        Console.WriteLine($"validate/floor ratio: {valid.Rps / floor:F2}");
        return errors == 0 ? 0 : 1;
    }

    private static readonly byte[] ValidPrefix = """{"valid":true,"code":"VALID","""u8.ToArray();
    private static readonly byte[] CertificateField = "\"certificate\":\""u8.ToArray();
    private static long s_answers;
    private static volatile byte[]? s_shapeAnswer;

    /// <summary>A validation's request body, as an SDK sends it: the key and the site.</summary>
    public static byte[] ValidateBody(string key, string domain) => Encoding.UTF8.GetBytes($"{{\"key\":\"{key}\",\"domain\":\"{domain}\"}}");

    /// <summary>
    /// True for a 200 VALID answer with a certificate; otherwise throws with the status and the answer's code and detail. Every
    /// answer is checked on its bytes (status 200, a JSON object opening with <c>"valid":true,"code":"VALID"</c>, a
    /// <c>certificate</c> string of more than 100 bytes, the object closed); every 64th is also parsed whole, as any failure is.
    /// </summary>
    private static async Task<bool> ValidAsync(HttpClient http, Uri url, byte[] body, bool shapeRoute = false)
    {
        // The body's bytes made beforehand, its length and type set up front: the client neither encodes a string nor parses its own
        // headers back (the type is written as given).
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        content.Headers.ContentLength = body.Length;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var length = (int)(response.Content.Headers.ContentLength ?? 64 * 1024);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            var read = 0;
            for (int n; read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read))) > 0;) read += n;
            var answer = buffer.AsSpan(0, read);
            // The first VALID answer is kept as the shape route's answer (same bytes as validate sends).
            if (s_shapeAnswer is null && !shapeRoute && response.StatusCode == HttpStatusCode.OK && answer.StartsWith(ValidPrefix))
                s_shapeAnswer = answer.ToArray();
            if (response.StatusCode == HttpStatusCode.OK && answer.StartsWith(ValidPrefix) && answer[^1] == (byte)'}'
                && answer.IndexOf(CertificateField) is var at and >= 0 && answer[(at + CertificateField.Length)..].IndexOf((byte)'"') > 100
                && Interlocked.Increment(ref s_answers) % 64 != 0) return true;
            return Parsed(response.StatusCode, answer);
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>The whole answer parsed: true for 200, <c>VALID</c> and a certificate of more than 100 bytes; otherwise throws with why.</summary>
    private static bool Parsed(HttpStatusCode status, ReadOnlySpan<byte> answer)
    {
        var reader = new Utf8JsonReader(answer);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        if (status == HttpStatusCode.OK && root.TryGetProperty("valid", out var v) && v.ValueKind == JsonValueKind.True
            && root.TryGetProperty("code", out var c) && c.ValueEquals("VALID")
            && root.TryGetProperty("certificate", out var certificate) && certificate.ValueKind == JsonValueKind.String
            && System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(certificate).Length > 100) return true;
        var code = root.TryGetProperty("code", out var failed) ? failed.GetString() : null;
        var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
        throw new InvalidOperationException($"{(int)status} {code}: {detail}");
    }

    /// <summary>
    /// What one activity flush of the whole population costs, measured on an otherwise idle process: every license validated once, then
    /// a flush; this process's CPU (the host's storage client) and the other processes' (Azurite) per row written.
    /// </summary>
    private static async Task FlushCostAsync(HttpClient http, Uri validateUrl, Population population, Options o,
        Licensing.Domain.Activity.ActivityFlusher flusher)
    {
        // Twice: the first flush writes every license and remembers its row, so the measured one is the steady state (a license's row
        // written in a transaction without a read), unless the host's own timer flushed part of the population in between.
        await ValidateEachOnceAsync(http, validateUrl, population, o, "flush cost");
        await flusher.FlushAsync(default);
        await ValidateEachOnceAsync(http, validateUrl, population, o, "flush cost");
        var (rows, requests) = (flusher.Writes, flusher.WriteRequests);
        var before = KernelCounters.Read();
        var sw = Stopwatch.StartNew();
        await flusher.FlushAsync(default);
        var wall = sw.Elapsed;
        var after = KernelCounters.Read();
        var written = Math.Max(1, flusher.Writes - rows);
        var own = after.CpuSeconds - before.CpuSeconds;
        var others = PhaseResult.OtherProcesses(after.MachineBusySeconds - before.MachineBusySeconds, own);
        Console.WriteLine($"one activity flush of {flusher.Writes - rows} rows in {flusher.WriteRequests - requests} requests, idle otherwise:"
            + $" {wall.TotalMilliseconds:F0} ms; CPU per row {own * 1e6 / written:F0} µs this process, {others * 1e6 / written:F0} µs other processes"
            + $" ({(own + others) / wall.TotalSeconds:F2} cores while it ran)");
    }

    /// <summary>Every license of the population validated once, on its first site; a license that does not validate stops the run.</summary>
    private static Task ValidateEachOnceAsync(HttpClient http, Uri validateUrl, Population population, Options o, string step) =>
        Parallel.ForEachAsync(population.Licenses, new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (l, _) =>
        {
            if (!await ValidAsync(http, validateUrl, l.Bodies[0])) throw new InvalidOperationException($"{step}: {l.Id} did not validate");
        });

    private static async Task SoakAsync(Func<Task<bool>> operation, Options o, Licensing.Domain.Activity.ActivityFlusher flusher)
    {
        Console.WriteLine();
        Console.WriteLine($"soak: {o.SoakSeconds} s of validate at concurrency {o.Concurrency};"
            + " working set, GC counts and the activity flush's storage calls so far every 10 s");
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
                    + $"  gen0 {GC.CollectionCount(0),6}  gen1 {GC.CollectionCount(1),5}  gen2 {GC.CollectionCount(2),4}"
                    + $"  flushed rows {flusher.Writes,7} in {flusher.WriteRequests,6} requests, {flusher.Reads,6} reads");
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
        // The HTTP shape of the two measured calls without any function behind them (harness-only routes outside /api, not
        // part of the app): an empty GET answered 204, and a POST whose body is read and answered with a real validation's bytes.
        app.MapGet("/bench/empty", () => Results.NoContent());
        app.MapPost("/bench/shape", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            var answer = s_shapeAnswer ?? throw new InvalidOperationException("no validation answer captured yet");
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = answer.Length;
            await context.Response.Body.WriteAsync(answer);
        });
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
        public Uri ValidateUrl { get; } = new(BaseUrl + "v1/validate");

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

public sealed record PhaseResult(string Name, long Requests, long Errors, double Rps, double P50, double P95, double P99, double Seconds = 0,
    string? FirstError = null, double CpuSeconds = 0, GcCounters? Gc = null, double MachineBusySeconds = 0, double StealSeconds = 0,
    double Max = 0)
{
    /// <summary>The machine's busy CPU time outside this process (Azurite, the machine's neighbours).</summary>
    public double OtherProcessesSeconds => OtherProcesses(MachineBusySeconds, CpuSeconds);

    /// <summary>The machine's busy seconds less this process's own: what Azurite and the neighbours took.</summary>
    public static double OtherProcesses(double machineBusySeconds, double ownSeconds) => Math.Max(0, machineBusySeconds - ownSeconds);

    /// <summary>Where the phase's time went, in cores: this process (client and host), the machine's other processes, the hypervisor's steal.</summary>
    public string Cores => $"this process {CpuSeconds / Seconds:F2} cores, other processes {OtherProcessesSeconds / Seconds:F2},"
        + $" stolen {StealSeconds / Seconds:F2}";
}

public static class Phase
{
    /// <summary>
    /// Runs <paramref name="operation"/> from <paramref name="concurrency"/> workers for <paramref name="duration"/>. An operation that
    /// fails says why by throwing (or returns false); the first failure's message and when it came (seconds into the phase) are kept.
    /// </summary>
    public static async Task<PhaseResult> RunAsync(string name, Func<Task<bool>> operation, int concurrency, TimeSpan duration, bool quiet = false)
    {
        var latencies = new List<double>[concurrency];
        long errors = 0;
        string? firstError = null;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.StartNew();
        using var refresh = HotRefreshCounters.Start();
        var kernel = KernelCounters.Read();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            // Sized for the phase (about 4,000 requests per worker-second at most here): 1 s rounds must not each allocate 32 large lists.
            var mine = latencies[w] = new List<double>((int)Math.Min(100_000, 4_000 * Math.Max(1, duration.TotalSeconds)));
            while (Stopwatch.GetTimestamp() < until)
            {
                var t0 = Stopwatch.GetTimestamp();
                string? error = null;
                try { if (!await operation()) error = "failed"; }
                catch (Exception e) { error = e.Message; }
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (error is null) continue;
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, $"at {started.Elapsed.TotalSeconds:F1} s: {error}", null);
            }
        })));
        var elapsed = started.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        var cost = KernelCounters.Read();
        var result = new PhaseResult(name, all.Length, errors, all.Length / elapsed, P(0.50), P(0.95), P(0.99), elapsed, firstError,
            cost.CpuSeconds - kernel.CpuSeconds, cost.Gc.Minus(kernel.Gc), cost.MachineBusySeconds - kernel.MachineBusySeconds,
            cost.StealSeconds - kernel.StealSeconds, all.Length == 0 ? 0 : all[^1]);
        if (!quiet)
        {
            Console.WriteLine($"{name,-55} {result.Rps,8:F0} req/s   p50 {result.P50,6:F2} ms   p95 {result.P95,6:F2} ms   p99 {result.P99,6:F2} ms"
                + $"   errors {result.Errors}");
            if (firstError is not null) Console.WriteLine($"  first error {firstError}");
            Console.WriteLine($"  per request: {cost.Since(kernel, all.Length)}");
            Console.WriteLine($"  hot refresh: {refresh.Summary()}");
        }
        return result;
    }
}

/// <summary>
/// The same-run ratio of validate to the empty function, measured interleaved: short rounds of each, alternately (ping then validate,
/// then validate then ping, ...), so both see the same machine; the ratio is that of the totals (all validate requests over all
/// validate time, to all ping requests over all ping time), with the spread of the per-pair ratios beside it.
/// </summary>
public static class Interleaved
{
    public sealed record Result(int Pairs, double PingRps, double ValidateRps, long Errors, string? FirstError, double[] PairRatios,
        double PingCpuMicros, double ValidateCpuMicros, string PingGc, string ValidateGc, (PhaseResult Ping, PhaseResult Validate)? Worst = null,
        double PingOthersCores = 0, double ValidateOthersCores = 0)
    {
        /// <summary>
        /// The pair with the lowest ratio, side by side: a round that fell while this process still had its cores is this process's own
        /// (a pause, a wait on storage); one whose cores went to other processes or the hypervisor is the machine's.
        /// </summary>
        public string WorstPair => Worst is not { } w ? "n/a" : $"ping {Side(w.Ping)}; validate {Side(w.Validate)}";

        private static string Side(PhaseResult r) => $"{r.Rps:F0} req/s (max {r.Max:F0} ms; {r.Cores}; GCs gen1 {r.Gc?.Gen1} gen2 {r.Gc?.Gen2})";

        public double Ratio => ValidateRps / PingRps;
    }

    public static async Task<Result> RunAsync(Func<Task<bool>> ping, Func<Task<bool>> validate, int concurrency, int pairs, TimeSpan round)
    {
        long pingRequests = 0, validateRequests = 0, errors = 0;
        double pingSeconds = 0, validateSeconds = 0, pingCpu = 0, validateCpu = 0, pingOthers = 0, validateOthers = 0;
        GcCounters zero = new(0, 0, 0, 0, TimeSpan.Zero), pingGc = zero, validateGc = zero;
        string? firstError = null;
        var ratios = new double[pairs];
        (PhaseResult Ping, PhaseResult Validate)? worst = null;
        for (var i = 0; i < pairs; i++)
        {
            var pingFirst = i % 2 == 0;
            var first = await Phase.RunAsync("interleaved", pingFirst ? ping : validate, concurrency, round, quiet: true);
            var second = await Phase.RunAsync("interleaved", pingFirst ? validate : ping, concurrency, round, quiet: true);
            var (p, v) = pingFirst ? (first, second) : (second, first);
            pingRequests += p.Requests;
            pingSeconds += p.Seconds;
            validateRequests += v.Requests;
            validateSeconds += v.Seconds;
            pingCpu += p.CpuSeconds;
            validateCpu += v.CpuSeconds;
            pingOthers += p.OtherProcessesSeconds;
            validateOthers += v.OtherProcessesSeconds;
            pingGc = pingGc.Plus(p.Gc ?? zero);
            validateGc = validateGc.Plus(v.Gc ?? zero);
            errors += p.Errors + v.Errors;
            firstError ??= p.FirstError ?? v.FirstError;
            ratios[i] = v.Rps / p.Rps;
            if (worst is not { } w || ratios[i] < w.Validate.Rps / w.Ping.Rps) worst = (p, v);
        }
        return new Result(pairs, pingRequests / pingSeconds, validateRequests / validateSeconds, errors, firstError, [.. ratios.Order()],
            pingCpu * 1e6 / Math.Max(1, pingRequests), validateCpu * 1e6 / Math.Max(1, validateRequests),
            pingGc.Since(zero, Math.Max(1, pingRequests)), validateGc.Since(zero, Math.Max(1, validateRequests)), worst,
            pingOthers / pingSeconds, validateOthers / validateSeconds);
    }
}

/// <summary>
/// What the hot-entry refresher did while a phase ran (the host is in this process: its <c>licensing.hot_refresh.*</c> counters, read
/// with a <see cref="System.Diagnostics.Metrics.MeterListener"/>), and the longest time between two of its rounds that renewed entries.
/// </summary>
public sealed class HotRefreshCounters : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastRenewal, _longestGap;

    public static HotRefreshCounters Start()
    {
        var counters = new HotRefreshCounters();
        counters._listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name.StartsWith("licensing.hot_refresh.", StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
        };
        counters._listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => counters.Add(instrument.Name, value, tags));
        counters._listener.Start();
        return counters;
    }

    private void Add(string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var name = instrument["licensing.hot_refresh.".Length..];
        foreach (var tag in tags) name += "." + tag.Value;
        lock (_counts)
        {
            _counts[name] = _counts.GetValueOrDefault(name) + value;
            if (name != "entries") return;
            var now = _clock.Elapsed.TotalSeconds;
            _longestGap = Math.Max(_longestGap, now - _lastRenewal);
            _lastRenewal = now;
        }
    }

    public string Summary()
    {
        lock (_counts)
        {
            var counts = string.Join(", ", new[] { "requests.range", "requests.ids", "requests.point", "entries", "failures" }
                .Select(n => $"{n.Replace("requests.", "", StringComparison.Ordinal)} {_counts.GetValueOrDefault(n)}"));
            return $"{counts}; longest wait for a renewal {Math.Max(_longestGap, _clock.Elapsed.TotalSeconds - _lastRenewal):F1} s";
        }
    }

    public void Dispose() => _listener.Dispose();
}

public sealed record ProvisionedLicense(string Id, string Key, string[] Domains)
{
    /// <summary>The validation request for each of the license's sites.</summary>
    public byte[][] Bodies { get; } = [.. Domains.Select(d => LoadTestProgram.ValidateBody(Key, d))];
}

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

/// <summary>
/// What one phase cost per request (Linux): this process's CPU time, user and kernel (getrusage: the client and the host
/// share it), its voluntary context switches (a wake-up each), and the loopback TCP segments sent by both sides
/// (/proc/net/snmp). A split write, an extra wake-up or a costlier path shows here, not only in req/s.
/// </summary>
public sealed record KernelCounters(long Segments, double UserSeconds, double SystemSeconds, long Switches, long Faults, GcCounters Gc,
    double MachineBusySeconds = 0, double StealSeconds = 0)
{
    public double CpuSeconds => UserSeconds + SystemSeconds;

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserMicros, SystemSec, SystemMicros;
        public long MaxRss, Ixrss, Idrss, Isrss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    public static KernelCounters Read()
    {
        if (!OperatingSystem.IsLinux() || getrusage(0, out var u) != 0) return new KernelCounters(-1, 0, 0, 0, 0, GcCounters.Read());
        long segments = -1;
        try
        {
            var tcp = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Tcp:", StringComparison.Ordinal)).ToArray();
            segments = long.Parse(tcp[1].Split(' ')[Array.IndexOf(tcp[0].Split(' '), "OutSegs")], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException) { }
        var (busy, steal) = MachineCpu();
        return new KernelCounters(segments, u.UserSec + u.UserMicros / 1e6, u.SystemSec + u.SystemMicros / 1e6, u.NVcsw, u.MinFlt, GcCounters.Read(),
            busy, steal);
    }

    /// <summary>
    /// The whole machine's CPU time from /proc/stat, in seconds: busy (user, nice, system, irq, softirq; not idle, iowait or steal) and
    /// stolen by the hypervisor. USER_HZ is 100 on Linux.
    /// </summary>
    private static (double Busy, double Steal) MachineCpu()
    {
        try
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return ((f[0] + f[1] + f[2] + f[5] + f[6]) / 100.0, f.Length > 7 ? f[7] / 100.0 : 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }

    public string Since(KernelCounters b, long requests) => Segments < 0 || b.Segments < 0 || requests == 0 ? "n/a (Linux only)"
        : $"CPU {(UserSeconds - b.UserSeconds) * 1e6 / requests:F1} µs user + {(SystemSeconds - b.SystemSeconds) * 1e6 / requests:F1} µs kernel,"
            + $" {(double)(Switches - b.Switches) / requests:F2} context switches, {(double)(Segments - b.Segments) / requests:F2} TCP segments sent,"
            + $" {(double)(Faults - b.Faults) / requests:F2} page faults;"
            + $" {Gc.Since(b.Gc, requests)}";
}

/// <summary>
/// The garbage collector's share of a phase (this process, client and host): bytes allocated per request, collections by generation, and
/// the time the runtime was paused for them per request. A cost that grows with the population's memory shows here first.
/// </summary>
public sealed record GcCounters(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static GcCounters Read() =>
        new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public GcCounters Minus(GcCounters b) => new(Allocated - b.Allocated, Gen0 - b.Gen0, Gen1 - b.Gen1, Gen2 - b.Gen2, Paused - b.Paused);

    public GcCounters Plus(GcCounters b) => new(Allocated + b.Allocated, Gen0 + b.Gen0, Gen1 + b.Gen1, Gen2 + b.Gen2, Paused + b.Paused);

    public string Since(GcCounters b, long requests) =>
        $"allocated {(double)(Allocated - b.Allocated) / requests:F0} B, GCs gen0 {Gen0 - b.Gen0} gen1 {Gen1 - b.Gen1} gen2 {Gen2 - b.Gen2},"
        + $" paused {(Paused - b.Paused).TotalMicroseconds / requests:F1} µs";
}
