using System.Net;
using Licensing.Domain.HotRefresh;
using Licensing.Tests.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.HotRefresh;

/// <summary>
/// The hot-entry refresher over HTTP and Azurite: hot licenses are renewed ahead of expiry with few storage requests, so the
/// public path serves them from memory, while no entry is ever served older than the license cache TTL (5 s), counted from
/// when the read that produced it started. Time is the test clock's; storage requests are counted on the wire.
/// </summary>
public sealed class HotRefreshTests
{
    private static readonly TimeSpan Due = TimeSpan.FromSeconds(3); // due: renewed from 1 s of age (TTL 5 s less the 4 s lead)

    [Fact]
    public async Task A_hot_license_changed_elsewhere_is_served_new_from_memory_and_never_older_than_the_ttl()
    {
        await using var v = await HotRefreshRig.StartAsync();
        await using var admin = await TestHost.StartAsync(clock: v.Clock);
        var apiKey = await admin.CreateAccountWithProductAsync();
        var l = await admin.IssueAsync(apiKey);
        var key = l.GetProperty("licenseKey").GetString()!;
        Assert.Equal("VALID", await v.CodeAsync(key)); // read and cached at t0
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"v1/licenses/{l.GetProperty("licenseId").GetString()}/suspend", null, apiKey)).Status);
        var reads = v.Reads.Gets;

        v.Clock.Advance(Due);
        Assert.Equal("VALID", await v.CodeAsync(key)); // still the t0 copy: within the bound, and now read recently (hot)
        var (refresher, requests) = v.Refresher(eachReadTakes: TimeSpan.FromSeconds(1)); // the refreshing read starts at t0+3, ends at t0+4
        var tally = new RefreshTally();
        await refresher.RefreshAsync(100, tally, default);
        Assert.Equal((1, 1, 0), (requests.Count, tally.Refreshed, tally.Failures));

        Assert.Equal("SUSPENDED", await v.CodeAsync(key)); // the new content, from memory
        v.Clock.Advance(TimeSpan.FromSeconds(3.9)); // t0+7.9: 4.9 s after the refreshing read started
        Assert.Equal("SUSPENDED", await v.CodeAsync(key));
        Assert.Equal(reads, v.Reads.Gets); // no request waited on storage
        v.Clock.Advance(TimeSpan.FromSeconds(0.1)); // 5 s after the read started, though only 4 s after it ended
        Assert.Equal("SUSPENDED", await v.CodeAsync(key));
        Assert.Equal(reads + 1, v.Reads.Gets); // expired: the request read it
    }

    [Fact]
    public async Task A_renewal_started_a_round_late_rides_out_a_storage_stall_of_the_public_path_budget()
    {
        await using var v = await HotRefreshRig.StartAsync();
        var apiKey = await v.Host.CreateAccountWithProductAsync();
        var key = (await v.Host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        Assert.Equal("VALID", await v.CodeAsync(key)); // read and cached at t0
        var reads = v.Reads.Gets;

        var settings = new HotRefreshSettings();
        v.Clock.Advance(TimeSpan.FromSeconds(2)); // t0+2: due since t0+1 (TTL 5 s less the 4 s lead), picked up a round late
        Assert.Equal("VALID", await v.CodeAsync(key));
        // The refreshing read starts at t0+2 and, storage stalled for the 2.5 s budget, answers 3 s later: at t0+5, when the t0 copy expires.
        var (refresher, requests) = v.Refresher(settings, eachReadTakes: TimeSpan.FromSeconds(0.5 + settings.StallSeconds));
        var tally = new RefreshTally();
        await refresher.RefreshAsync(100, tally, default);
        Assert.Equal((1, 1, 0), (requests.Count, tally.Refreshed, tally.Failures));

        Assert.Equal("VALID", await v.CodeAsync(key)); // t0+5: the renewed copy, from memory; no request waited on the stalled storage
        Assert.Equal(reads, v.Reads.Gets);
        v.Clock.Advance(TimeSpan.FromSeconds(1.9)); // t0+6.9: 4.9 s after the renewing read started
        Assert.Equal("VALID", await v.CodeAsync(key));
        Assert.Equal(reads, v.Reads.Gets);
        v.Clock.Advance(TimeSpan.FromSeconds(0.1)); // 5 s after it started: expired, whatever the stall
        Assert.Equal("VALID", await v.CodeAsync(key));
        Assert.Equal(reads + 1, v.Reads.Gets);
    }

    [Fact]
    public async Task A_cold_entry_is_not_refreshed_and_expires_as_before()
    {
        await using var v = await HotRefreshRig.StartAsync();
        var apiKey = await v.Host.CreateAccountWithProductAsync();
        var key = (await v.Host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        Assert.Equal("VALID", await v.CodeAsync(key));
        var reads = v.Reads.Gets;

        v.Clock.Advance(Due); // due, but last read 3 s ago: cold for a 2 s hot window
        var (refresher, requests) = v.Refresher(new HotRefreshSettings { HotSeconds = 2 });
        var tally = new RefreshTally();
        await refresher.RefreshAsync(100, tally, default);
        Assert.Equal((0, 0), (requests.Count, tally.Refreshed));
        v.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("VALID", await v.CodeAsync(key));
        Assert.Equal(reads + 1, v.Reads.Gets);
    }

    [Fact]
    public async Task A_failed_refresh_leaves_the_entry_to_expire_and_the_request_then_answers_503()
    {
        await using var v = await HotRefreshRig.StartAsync();
        var apiKey = await v.Host.CreateAccountWithProductAsync();
        var key = (await v.Host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        Assert.Equal("VALID", await v.CodeAsync(key));
        v.Clock.Advance(Due);
        Assert.Equal("VALID", await v.CodeAsync(key));

        var (refresher, requests) = v.Refresher(storage: StorageOutageTests.ClosedPort);
        var tally = new RefreshTally();
        await refresher.RefreshAsync(100, tally, default);
        Assert.Equal((1, 0, 1), (requests.Count, tally.Refreshed, tally.Failures));

        v.Reads.Down = true;
        Assert.Equal("VALID", await v.CodeAsync(key)); // the t0 copy, 3 s old: within the bound
        v.Clock.Advance(TimeSpan.FromSeconds(2));
        var r = await v.Host.PostAsync("v1/validate", new { key, domain = "customer-site.com" });
        r.AssertProblem(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.NotNull(r.Headers.RetryAfter);
    }

    [Fact]
    public async Task Revoked_and_deleted_hot_licenses_stop_validating_within_the_bound_after_one_range_read_of_versions()
    {
        await using var v = await HotRefreshRig.StartAsync();
        await using var admin = await TestHost.StartAsync(clock: v.Clock);
        var (ids, keys, apiKey) = await IssueAsync(admin, 20);
        foreach (var key in keys) Assert.Equal("VALID", await v.CodeAsync(key));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"v1/licenses/{ids[0]}/revoke", null, apiKey)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(HttpMethod.Delete, $"v1/licenses/{ids[1]}", null, apiKey)).Status);
        v.Clock.Advance(Due);
        var reads = v.Reads.Gets;

        var (refresher, requests) = v.Refresher();
        var tally = new RefreshTally();
        await refresher.RefreshAsync(100, tally, default);
        // 20 due ids would take two id queries (14 a query); the versions of the partition's 20 license rows are one page, and
        // the one license at a new version (the revoked one) is then read whole by id: 18 renewed, 1 read again, 1 gone.
        Assert.Equal((2, 1, 1, 20), (requests.Count, tally.RangeRequests, tally.IdRequests, tally.Refreshed));
        // The range read carried ids and ETags only: no license's content crossed the wire for the 18 unchanged ones.
        var (range, versions) = requests.Exchanges[0];
        Assert.Contains("select=RowKey", Uri.UnescapeDataString(range.Query), StringComparison.Ordinal);
        Assert.Equal(19, System.Text.RegularExpressions.Regex.Count(versions, "\"odata.etag\""));
        Assert.DoesNotContain("\"ProductId\"", versions, StringComparison.Ordinal);
        Assert.Contains("\"ProductId\"", requests.Exchanges[1].Answer, StringComparison.Ordinal);
        Assert.Contains(ids[0], requests.Exchanges[1].Address.Query, StringComparison.Ordinal);

        Assert.Equal("REVOKED", await v.CodeAsync(keys[0]));
        Assert.Equal("NOT_FOUND", await v.CodeAsync(keys[1]));
        Assert.Equal("VALID", await v.CodeAsync(keys[2]));
        Assert.Equal(reads, v.Reads.Gets);
    }

    [Fact]
    public async Task The_requests_for_K_hot_licenses_in_one_partition_are_what_the_design_says()
    {
        await using var v = await HotRefreshRig.StartAsync();
        var (_, keys, _) = await IssueAsync(v.Host, 30);

        // K = 10: one query naming the 10 ids.
        foreach (var key in keys.Take(10)) Assert.Equal("VALID", await v.CodeAsync(key));
        v.Clock.Advance(Due);
        var (refresher, requests) = v.Refresher(pageSize: 5);
        var tally = new RefreshTally();
        await refresher.RefreshAsync(100, tally, default);
        Assert.Equal((1, 0, 1, 10), (requests.Count, tally.RangeRequests, tally.IdRequests, tally.Refreshed));

        // K = 30 in a partition of 30 license rows read 5 a page: the id queries would cost 3, so the range read may take 3 pages;
        // it does not finish (6 pages), and the due ids it did not meet are read by id.
        foreach (var key in keys) Assert.Equal("VALID", await v.CodeAsync(key));
        v.Clock.Advance(Due);
        tally = new RefreshTally();
        var before = requests.Count;
        await refresher.RefreshAsync(100, tally, default);
        Assert.Equal((3 + 2, 3, 2, 30), (requests.Count - before, tally.RangeRequests, tally.IdRequests, tally.Refreshed)); // 15 met, 15 by id

        // Next round: the partition is known to need more pages than the id queries cost, so ids only (3 queries).
        foreach (var key in keys) Assert.Equal("VALID", await v.CodeAsync(key));
        v.Clock.Advance(Due);
        tally = new RefreshTally();
        before = requests.Count;
        await refresher.RefreshAsync(100, tally, default);
        Assert.Equal((3, 0, 3, 30), (requests.Count - before, tally.RangeRequests, tally.IdRequests, tally.Refreshed));

        // A budget of 2 requests a round: two id queries, the rest left to expire.
        foreach (var key in keys) Assert.Equal("VALID", await v.CodeAsync(key));
        v.Clock.Advance(Due);
        tally = new RefreshTally();
        await refresher.RefreshAsync(2, tally, default);
        Assert.Equal((0, 2, 28), (tally.RangeRequests, tally.IdRequests, tally.Refreshed));
    }

    [Fact]
    public async Task The_background_service_renews_a_hot_license_so_a_change_is_served_without_a_request_read()
    {
        await using var v = await HotRefreshRig.StartAsync(backgroundRefresh: true);
        await using var admin = await TestHost.StartAsync(clock: v.Clock);
        var apiKey = await admin.CreateAccountWithProductAsync();
        var l = await admin.IssueAsync(apiKey);
        var key = l.GetProperty("licenseKey").GetString()!;
        Assert.Equal("VALID", await v.CodeAsync(key));
        var reads = v.Reads.Gets;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"v1/licenses/{l.GetProperty("licenseId").GetString()}/revoke", null, apiKey)).Status);
        v.Clock.Advance(TimeSpan.FromSeconds(3.5)); // due, still within the bound: only the refresher can bring the change in

        var deadline = Patience.Deadline;
        while (await v.CodeAsync(key) != "REVOKED")
            Assert.True(DateTime.UtcNow < deadline, "the background refresher never renewed the hot license");
        Assert.Equal(reads, v.Reads.Gets);
    }

    private static async Task<(string[] Ids, string[] Keys, string ApiKey)> IssueAsync(TestHost host, int count)
    {
        var apiKey = await host.CreateAccountWithProductAsync();
        var issued = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var l = await host.IssueAsync(apiKey, new
            {
                productId = "my-plugin",
                customerEmail = $"c{i}@example.com",
                domains = new[] { "customer-site.com" },
                plan = "pro"
            });
            issued.Add((l.GetProperty("licenseId").GetString()!, l.GetProperty("licenseKey").GetString()!));
        }
        return ([.. issued.Select(x => x.Item1)], [.. issued.Select(x => x.Item2)], apiKey);
    }
}
