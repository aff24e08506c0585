using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Licensing.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Support;

/// <summary>
/// The local host (functions/Licensing.LocalHost: the same function classes the Functions host runs) on a free
/// loopback port, against Azurite.
/// scripts/test.sh starts Azurite; a test that needs it and finds it missing fails with that message.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key";
    /// <summary>
    /// Azurite's connection string: the default ports (10000-10002), or LICENSING_TEST_STORAGE when set, so several
    /// checkouts can run their suites at once, each against its own Azurite.
    /// </summary>
    public static readonly string Azurite = Environment.GetEnvironmentVariable("LICENSING_TEST_STORAGE") is { Length: > 0 } s ? s
        : "UseDevelopmentStorage=true";

    /// <summary>One signing key for the whole test run, so every host verifies every other host's keys.</summary>
    public static string SigningKeyPath { get; } = Path.Combine(Path.GetTempPath(), $"licensing-tests-{Environment.ProcessId}", "signing-key.pem");

    /// <summary>The short keys' secrets file for the whole test run, beside the signing key.</summary>
    public static string ShortKeySecretsPath { get; } = Path.Combine(Path.GetDirectoryName(SigningKeyPath)!, "short-key-secrets");

    private TestHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = Patience.Bound };
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => App.Services;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TimeProvider, string> ClockQueues = [];

    /// <param name="clock">
    /// A clock of the test's own. Hosts on it read and write queues of their own, shared only with other hosts on the same
    /// clock: all hosts share one Azurite, and a host whose clock the test moves must neither claim other tests' messages
    /// (an e-mail's claim carries that host's time, so a claim left by a host an hour ahead holds the e-mail back an hour)
    /// nor have its own messages handled on real time.
    /// </param>
    /// <param name="queues">
    /// False for a host that polls no queue: what it sends goes to the shared queues, where hosts on real time handle it.
    /// </param>
    /// <param name="ownQueues">
    /// True for a host that must process its own messages its own way (a fake of a remote API set in
    /// <paramref name="settings"/>, faults in <paramref name="services"/>): its queues are its alone (<see cref="OwnQueues"/>).
    /// </param>
    public static async Task<TestHost> StartAsync(string? storageConnection = null, TimeProvider? clock = null,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, bool queues = true,
        bool ownQueues = false)
    {
        storageConnection ??= Azurite;
        if (storageConnection == Azurite) await RequireAzuriteAsync();
        var overrides = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Licensing:StorageConnection"] = storageConnection,
            ["Licensing:AdminKey"] = AdminKey,
            ["Licensing:Signing:LocalKeyPath"] = SigningKeyPath,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:" + FileLoggerProvider.Deliveries] = "Information",
            ["Licensing:Email:SmtpHost"] = "127.0.0.1",
            ["Licensing:Email:SmtpPort"] = Smtp4dev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Licensing:Email:From"] = "licenses@acme.example",
            ["Licensing:ShortKeys:LocalPath"] = ShortKeySecretsPath,
            ["Licensing:LocalSecretsKeyPath"] = Path.Combine(Path.GetDirectoryName(SigningKeyPath)!, "dataprotection"),
            ["LocalHost:QueueRetryDelayMilliseconds"] = "1000", // queue visibility is whole seconds
            ["LocalHost:MaxPollingMilliseconds"] = "200",
            ["LocalHost:DisableTimers"] = "true",
            // Every test talks from 127.0.0.1: the per-address limit is tested on its own (AbuseTests).
            ["Licensing:RateLimits:PerAddressBurst"] = "1000000",
            ["Licensing:RateLimits:PerAddressPerSecond"] = "1000000",
            // Hundreds of concurrent calls against Azurite on a shared 2-core machine can queue past the 2.5 s budget that
            // protects callers from a hung store in production; the budget is tested on its own (HungStorageTests).
            ["Licensing:PublicPathBudgetSeconds"] = "30",
            // A webhook signed as it is sent can reach a host stalled by the shared machine past Paddle's 5 s tolerance; the
            // tolerance itself is tested on its own (ProviderSignatureTests), the pipeline here.
            ["Licensing:PaddleToleranceSeconds"] = "300",
            ["Licensing:RateLimits:AuthFailuresBurst"] = "1000000",
            ["Licensing:RateLimits:AuthFailuresPerSecond"] = "1000000",
            ["Licensing:RateLimits:UnknownKeysBurst"] = "1000000",
            ["Licensing:RateLimits:UnknownKeysPerSecond"] = "1000000",
            // Webhook receivers in tests listen on loopback; every host may deliver any queued webhook, and checks a waiting
            // retry's due time on its own clock every second, so a test that moves its clock sees the retry at once.
            ["Licensing:Webhooks:AllowLoopback"] = "true",
            ["Licensing:Webhooks:QueueDelayCapSeconds"] = "1",
        };
        if (!queues) overrides["LocalHost:DisableQueues"] = "true";
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) overrides[k] = v;
        var app = LocalFunctionsHost.Build([], overrides, Repo.Root, s =>
        {
            if (clock is not null) s.AddSingleton(clock);
            var outbox = s.Single(d => d.ServiceType == typeof(Licensing.Domain.Email.IEmailOutbox));
            s.Remove(outbox);
            s.AddSingleton<Licensing.Domain.Email.IEmailOutbox>(sp => new Faults.Outbox(
                (Licensing.Domain.Email.IEmailOutbox)ActivatorUtilities.CreateInstance(sp, outbox.ImplementationType!)));
            Directory.CreateDirectory(Repo.PathTo(".local"));
            s.AddLogging(b => b.AddProvider(new FileLoggerProvider(Repo.PathTo(".local", "test-host.log"))));
            // Every host's log goes to .local/test-host.log; on the console the warnings of dozens of hosts (hosts whose clock stands still
            // see other hosts' newer delegated keys as not valid yet; outage tests log the outages they cause) would bury the test results.
            foreach (var console in s.Where(d => d.ServiceType == typeof(ILoggerProvider)
                && d.ImplementationType == typeof(Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider)).ToList()) s.Remove(console);
            if (ownQueues) OwnQueues.Install(s, storageConnection);
            else if (clock is not null && queues) OwnQueues.Install(s, storageConnection, ClockQueues.GetValue(clock, _ => OwnQueues.NewPrefix()));
            services?.Invoke(s);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(app, new Uri(address.TrimEnd('/') + "/api/"));
    }

    private static int AzuriteTablePort =>
        System.Text.RegularExpressions.Regex.Match(Azurite, @"TableEndpoint=https?://[^:/;]+:(\d+)") is { Success: true } m
            ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 10002;

    public static async Task RequireAzuriteAsync()
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, AzuriteTablePort).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Azurite is not listening on 127.0.0.1:{AzuriteTablePort}: run the tests with scripts/test.sh, which starts it.", e);
        }
    }

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null, string? bearer = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (rawBody is not null) request.Content = new StringContent(rawBody, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, text, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    public Task<ApiResponse> PostAsync(string path, object? body, string? bearer = null) => SendAsync(HttpMethod.Post, path, body, bearer);

    /// <summary>A POST that must answer 200; returns the body.</summary>
    public async Task<JsonElement> PostOkAsync(string path, object body)
    {
        var r = await PostAsync(path, body);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Json;
    }
    public Task<ApiResponse> GetAsync(string path, string? bearer = null) => SendAsync(HttpMethod.Get, path, null, bearer);
    public Task<ApiResponse> PutAsync(string path, object? body, string? bearer = null) => SendAsync(HttpMethod.Put, path, body, bearer);

    /// <summary>A new account and its API key, through the admin endpoint.</summary>
    public async Task<(string AccountId, string ApiKey)> CreateAccountAsync(string name = "Acme", string tier = "business")
    {
        var r = await PostAsync("v1/accounts", new { name, email = "founder@acme.example", tier }, AdminKey);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        return (r.Json.GetProperty("accountId").GetString()!, r.Json.GetProperty("apiKey").GetString()!);
    }

    public static object SampleProduct => new
    {
        name = "My Plugin",
        plans = new object[]
        {
            new { id = "pro", name = "Pro", model = "subscription", durationDays = 365, maxActivations = 3, features = new[] { "analytics", "export" } },
            new { id = "business", name = "Business", model = "subscription", durationDays = 365, maxActivations = (int?)null,
                features = new[] { "analytics", "export", "custom-branding" } },
            new { id = "lifetime", name = "Lifetime deal", model = "lifetime", maxActivations = 1, features = new[] { "analytics" } },
        },
    };

    /// <summary>An account with the contract's sample product "my-plugin"; returns its API key.</summary>
    public async Task<string> CreateAccountWithProductAsync() => (await CreateAccountWithProductAndIdAsync()).ApiKey;

    public async Task<(string AccountId, string ApiKey)> CreateAccountWithProductAndIdAsync()
    {
        var account = await CreateAccountAsync();
        var r = await PutAsync("v1/products/my-plugin", SampleProduct, account.ApiKey);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        return account;
    }

    /// <summary>How many license entities an account has, read straight from Azurite (not through the API; activation rows are not licenses).</summary>
    public static int StoredLicenseCount(string accountId) =>
        new Azure.Data.Tables.TableClient(Azurite, "licenses").Query<Azure.Data.Tables.TableEntity>(
            Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {accountId}") + " and "
                + Licensing.Functions.Licenses.LicenseTableStore.LicenseRows).Count();

    /// <summary>A product issuing short keys ("Typed App"): plan "pro", a year's subscription, two activations.</summary>
    public async Task PutShortKeyProductAsync(string apiKey, string productId)
    {
        var r = await PutAsync($"v1/products/{productId}", new
        {
            name = "Typed App",
            keyFormat = "short",
            plans = new object[] { new { id = "pro", model = "subscription", durationDays = 365, maxActivations = 2 } },
        }, apiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
    }

    public async Task<JsonElement> IssueAsync(string apiKey, object? body = null)
    {
        var r = await PostAsync("v1/licenses", body
            ?? new { productId = "my-plugin", customerEmail = "customer@example.com", domains = new[] { "customer-site.com" }, plan = "pro" }, apiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return r.Json;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public sealed record ApiResponse(HttpStatusCode Status, string Text, HttpResponseHeaders Headers, string? MediaType)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    /// <summary>Asserts a problem+json answer with the given status and code; returns the document.</summary>
    public JsonElement AssertProblem(HttpStatusCode status, string code)
    {
        Assert.True(Status == status, $"expected {(int)status}, got {(int)Status}: {Text}");
        Assert.Equal("application/problem+json", MediaType);
        var json = Json;
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("detail").GetString()));
        return json;
    }
}

/// <summary>One local host shared by a test class (xunit class fixture).</summary>
public sealed class SharedHost : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
