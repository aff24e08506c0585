using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.Storage;

/// <summary>
/// A store that hangs (accepts, never answers): the public path gives up after its budget and answers 503 with
/// Retry-After, on the app's clock, instead of riding out the storage client's retries (3 × 10 s).
/// </summary>
public sealed class HungStorageTests
{
    [Fact]
    public async Task Validate_activate_deactivate_and_health_answer_503_after_the_budget_without_retrying_a_hung_store()
    {
        string licenseKey, licenseId;
        await using (var up = await TestHost.StartAsync())
        {
            var apiKey = await up.CreateAccountWithProductAsync();
            var license = await up.IssueAsync(apiKey);
            (licenseKey, licenseId) = (license.GetProperty("licenseKey").GetString()!, license.GetProperty("licenseId").GetString()!);
        }

        await using var hole = new BlackHoleServer();
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(hole.ConnectionString, clock, queues: false,
            settings: new Dictionary<string, string?> { ["Licensing:PublicPathBudgetSeconds"] = "2.5" });
        // What each call waits on: the license's point read, or the health probe's.
        var licenseRead = $"RowKey='{licenseId}'";
        var calls = new (string Name, string Read, Func<Task<ApiResponse>> Call)[]
        {
            ("validate", licenseRead, () => host.PostAsync("v1/validate", new { key = licenseKey, domain = "customer-site.com" })),
            ("activate", licenseRead, () => host.PostAsync("v1/activate", new { key = licenseKey, domain = "second-site.com" })),
            ("deactivate", licenseRead, () => host.PostAsync("v1/deactivate", new { key = licenseKey, domain = "customer-site.com" })),
            ("health", "RowKey='probe'", () => host.GetAsync("v1/health")),
        };
        foreach (var (name, read, call) in calls)
        {
            var before = hole.Count(read);
            var answer = call();
            await hole.WaitForAsync(read, before + 1);   // the call is now waiting on the hung store
            Assert.False(answer.IsCompleted, $"{name} answered before storage did");
            clock.Advance(TimeSpan.FromSeconds(3));         // past the 2.5 s budget, on the app's clock
            var r = await answer;
            r.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.NotNull(r.Headers.RetryAfter);
            // The storage client's network timeout and retries (real time) played no part: one request, no retry.
            Assert.Equal(before + 1, hole.Count(read));
        }
    }

    [Fact]
    public async Task A_host_stopped_while_its_table_creation_hangs_on_a_retry_stops_cleanly()
    {
        await using var hole = new BlackHoleServer();
        var host = await TestHost.StartAsync(hole.ConnectionString, queues: false);
        // Start-up gave the first creation 5 s; the background's next attempt hangs, times out (10 s) and is retried: stop then.
        await hole.WaitForAsync("POST /devstoreaccount1/Tables", 3);
        await host.DisposeAsync();
    }
}
