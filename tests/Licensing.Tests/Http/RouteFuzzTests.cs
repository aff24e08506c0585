using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Licensing.Functions.Hosting;
using Licensing.LocalHost;
using Licensing.Tests.Support;
using Xunit.Abstractions;

namespace Licensing.Tests.Http;

/// <summary>
/// Random requests to every route the app serves: JSON of every type and size, unicode and control characters,
/// broken JSON and raw bytes, odd route values, with no, wrong, admin and account credentials. Whatever comes in,
/// the answer is a success or a problem+json document with a stable code, and never a 5xx other than 503.
/// The seed is printed on failure (and taken from LICENSING_FUZZ_SEED when set), so a failure can be replayed.
/// </summary>
public sealed class RouteFuzzTests(ITestOutputHelper output)
{
    private const int RequestsPerRoute = 20;

    private static readonly string[] FieldNames =
    [
        "key", "domain", "fingerprint", "features", "productId", "plan", "customerEmail", "domains", "metadata", "expiresAt",
        "maxActivations", "name", "email", "code", "codes", "accountId", "quantity", "webhookSecret", "apiKey", "count", "tier",
        "version", "releaseDate", "plans", "id", "model", "durationDays", "idempotencyKey", "status", "prefix", "format",
        "stripePriceIds", "developmentHosts", "updatesDays", "usageLimit", "usagePeriod", "token", "url", "events", "scopes",
    ];

    [Fact]
    public async Task Random_requests_to_every_route_answer_success_or_problem_json_and_never_a_5xx_but_503()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LICENSING_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);

        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Licensing:RateLimits:PerKeyBurst"] = "1000000",
            ["Licensing:RateLimits:PerKeyPerSecond"] = "1000000",
        });
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        var license = await host.IssueAsync(apiKey);
        var known = new Known(accountId, apiKey, license.GetProperty("licenseId").GetString()!, license.GetProperty("licenseKey").GetString()!);

        var failures = new List<string>();
        foreach (var function in FunctionCatalog.Load(typeof(ServiceRegistration).Assembly).Http)
            foreach (var method in function.Methods)
                for (var i = 0; i < RequestsPerRoute && failures.Count < 20; i++)
                {
                    var path = FillRoute(function.Route, random, known);
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    var bearer = Credential(random, known);
                    if (bearer is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
                    if (method != "GET") request.Content = Body(random, known);
                    if (random.Next(8) == 0) request.Headers.TryAddWithoutValidation("Idempotency-Key", HeaderString(random, random.Next(0, 300)));
                    using var response = await host.Http.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    var problem = Check(response, text);
                    if (problem is not null)
                        failures.Add($"{method} {path} ({function.Name}) -> {(int)response.StatusCode}: {problem}"
                            + $"\n  body sent: {Shorten(await DescribeAsync(request))}\n  answer: {Shorten(text)}");
                }
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n", failures));
    }

    private sealed record Known(string AccountId, string ApiKey, string LicenseId, string LicenseKey);

    /// <summary>Null when the answer is acceptable, else what is wrong with it.</summary>
    private static string? Check(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        if (status >= 500 && status != 503) return "a 5xx other than 503";
        if (status < 400) return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return "an error that is not problem+json";
        try
        {
            var json = JsonNode.Parse(text)!.AsObject();
            if (json["code"]?.GetValue<string>() is not { Length: > 0 } code || code.Any(c => !(char.IsAsciiLetterUpper(c) || c == '_')))
                return "a problem without a SCREAMING_SNAKE code";
            if (json["status"]?.GetValue<int>() != status) return "a problem whose status is not the HTTP status";
            if (string.IsNullOrEmpty(json["detail"]?.GetValue<string>())) return "a problem without detail";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return "an unreadable problem document";
        }
        if ((status == 429 || status == 503) && response.Headers.RetryAfter is null) return "429/503 without Retry-After";
        return null;
    }

    private static string FillRoute(string route, Random random, Known known)
    {
        var path = new StringBuilder("v1/");
        foreach (var segment in route["v1/".Length..].Split('/'))
        {
            if (path.Length > 3) path.Append('/');
            if (!segment.StartsWith('{')) { path.Append(segment); continue; }
            var name = segment.Trim('{', '}');
            var value = random.Next(4) switch
            {
                0 => name switch { "accountId" => known.AccountId, "licenseId" => known.LicenseId, "productId" => "my-plugin", _ => "x" },
                1 => RandomString(random, random.Next(1, 40)),
                2 => new[] { "..", ".", "%", "acct_", "lic_0", "a b", "ü", "\u0001", "a/b", "a#b", "a?b", "~", "null", new string('a', 600) }[random.Next(14)],
                _ => "lic_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..24],
            };
            // NUL in a request target is refused by the web server itself (Kestrel, or the platform's front end in Azure)
            // before the app sees the request, with a bare 400: outside what the app can answer.
            value = value.Replace("\0", "");
            path.Append(Uri.EscapeDataString(value.Length == 0 ? "x" : value));
        }
        return path.ToString();
    }

    private static string? Credential(Random random, Known known) => random.Next(6) switch
    {
        0 => null,
        1 => TestHost.AdminKey,
        2 => "lsk_" + HeaderString(random, 40),
        3 => HeaderString(random, random.Next(1, 80)),
        _ => known.ApiKey,
    };

    private static HttpContent Body(Random random, Known known)
    {
        switch (random.Next(10))
        {
            case 0:
                var bytes = new byte[random.Next(0, 2000)];
                random.NextBytes(bytes);
                return new ByteArrayContent(bytes);
            case 1:
                var json = FittingObject(random, known);
                return new StringContent(json[..random.Next(json.Length)], Encoding.UTF8, "application/json");
            case 2:
                var value = RandomValue(random, known, 0, new Budget())?.ToJsonString() ?? "null";
                return new StringContent(Encoding.UTF8.GetByteCount(value) <= 60_000 ? value : "[]", Encoding.UTF8, "application/json");
            case 3:
                // Near the 64 KiB limit (over it is a 413 before the body is read, tested on its own).
                return new StringContent("{\"key\":\"" + new string((char)random.Next(0x20, 0x3000), 20_000) + "\"}", Encoding.UTF8, "application/json");
            default:
                var content = new StringContent(FittingObject(random, known), Encoding.UTF8);
                content.Headers.ContentType = random.Next(5) == 0 ? new MediaTypeHeaderValue("text/plain") : new MediaTypeHeaderValue("application/json");
                return content;
        }
    }

    /// <summary>
    /// A random object whose JSON stays under the 64 KiB body limit (over it is a 413 before the body is read, tested on
    /// its own). The budget stops the tree growing near the limit, so no time goes into building a document that is thrown
    /// away (unbounded, nested arrays of up to 300 values reached millions of nodes); the check catches the rare escape-heavy one.
    /// </summary>
    private static string FittingObject(Random random, Known known)
    {
        while (true)
        {
            var json = RandomObject(random, known, 0, new Budget()).ToJsonString();
            if (Encoding.UTF8.GetByteCount(json) <= 60_000) return json;
        }
    }

    /// <summary>What a document may still grow by, in characters of its values (escaping can make a character up to 6 bytes).</summary>
    private sealed class Budget
    {
        public int Left { get; private set; } = 20_000;

        public bool Spent => Left <= 0;

        /// <summary>Takes up to <paramref name="wanted"/> characters for a string; returns how many it may have.</summary>
        public int Take(int wanted)
        {
            var granted = Math.Clamp(wanted, 0, Math.Max(Left, 0));
            Left -= granted + 4;
            return granted;
        }
    }

    private static JsonObject RandomObject(Random random, Known known, int depth, Budget budget)
    {
        var o = new JsonObject();
        for (var i = random.Next(0, 8); i > 0 && !budget.Spent; i--)
            o[FieldNames[random.Next(FieldNames.Length)]] = RandomValue(random, known, depth + 1, budget);
        if (random.Next(3) == 0) o["key"] = random.Next(2) == 0 ? known.LicenseKey : RandomString(random, budget.Take(random.Next(0, 200)));
        if (random.Next(4) == 0) o["productId"] = "my-plugin";
        if (random.Next(4) == 0) o["accountId"] = known.AccountId;
        return o;
    }

    private static JsonNode? RandomValue(Random random, Known known, int depth, Budget budget)
    {
        budget.Take(0); // a value costs its separator and quotes at least
        if (budget.Spent) return null;
        return random.Next(depth > 3 ? 7 : 10) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next(2) == 0),
            2 => JsonValue.Create(new[] { 0, -1, 1, int.MaxValue, int.MinValue, 2001, 100000 }[random.Next(7)]),
            3 => JsonValue.Create(new[] { 1e308, -0.5, 3.14, 1e-300, 9007199254740993d }[random.Next(5)]),
            4 or 5 => JsonValue.Create(RandomString(random, budget.Take(random.Next(0, random.Next(2) == 0 ? 40 : 5000)))),
            6 => JsonValue.Create(new[] { "2027-01-31T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "not-a-date", "2027-13-45" }[random.Next(5)]),
            7 => Array(random.Next(0, random.Next(2) == 0 ? 5 : 300), () => RandomValue(random, known, depth + 1, budget), budget),
            8 => RandomObject(random, known, depth, budget),
            _ => Array(random.Next(0, 4), () => JsonValue.Create(RandomString(random, budget.Take(random.Next(0, 70)))), budget),
        };
    }

    /// <summary>Up to <paramref name="count"/> values, fewer when the budget runs out.</summary>
    private static JsonArray Array(int count, Func<JsonNode?> value, Budget budget)
    {
        var array = new JsonArray();
        for (var i = 0; i < count && !budget.Spent; i++) array.Add(value());
        return array;
    }

    /// <summary>Strings with ASCII, control characters, markup, non-BMP characters, lone surrogates and format characters.</summary>
    private static string RandomString(Random random, int length)
    {
        var s = new StringBuilder(length);
        while (s.Length < length)
            switch (random.Next(9))
            {
                case 0: s.Append((char)random.Next(0, 32)); break;
                case 1: s.Append("<>&'\"\\/#?%"[random.Next(10)]); break;
                case 2: s.Append(char.ConvertFromUtf32(random.Next(0x1F600, 0x1F650))); break;
                case 3: s.Append((char)random.Next(0x80, 0x3000)); break;
                case 4: s.Append(random.Next(2) == 0 ? '\uD800' : '\u200B'); break;
                default: s.Append((char)random.Next('a', 'z' + 1)); break;
            }
        return s.ToString();
    }

    /// <summary>What a client can put in a header: printable ASCII.</summary>
    private static string HeaderString(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x21, 0x7F)).ToArray());

    private static async Task<string> DescribeAsync(HttpRequestMessage request) =>
        request.Content is null ? "(none)" : await request.Content.ReadAsStringAsync();

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + $"... ({s.Length} chars)";
}
