using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Licensing.Domain.Accounts;
using Licensing.Domain.Pruning;
using Licensing.Functions.Accounts;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Pruning;

/// <summary>
/// The pruning timer's job against Azurite on a test clock set weeks in the past (so it can only reach rows made on such
/// clocks, never another test's): expired sessions and sign-in tokens go, live ones stay, idempotency records go after their window.
/// </summary>
public sealed class PruningTests
{
    private static string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString())));

    private static bool Exists(string table, string partitionKey, string rowKey = "") =>
        new TableClient(TestHost.Azurite, table).GetEntityIfExists<TableEntity>(partitionKey, rowKey).HasValue;

    [Fact]
    public async Task Expired_sessions_tokens_and_old_idempotency_records_are_pruned_and_live_ones_kept()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow.AddDays(-60));
        await using var host = await TestHost.StartAsync(clock: clock, queues: false);
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        var sessions = host.Services.GetRequiredService<ISessionStore>();
        var tokens = host.Services.GetRequiredService<ISignInTokenStore>();
        var now = clock.GetUtcNow();
        var (shortHash, longHash, tokenHash) = (Hash(), Hash(), Hash());
        await sessions.AddAsync(new Session("ses_short", accountId, now, now.AddHours(1)), shortHash, default);
        await sessions.AddAsync(new Session("ses_long", accountId, now, now.AddDays(30)), longHash, default);
        await tokens.AddAsync(new SignInToken(SignInToken.SignIn, "pruned@example.com", null, accountId, now, now.AddMinutes(15)), tokenHash, default);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/licenses")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro" }),
        })
        {
            request.Headers.Authorization = new("Bearer", apiKey);
            request.Headers.Add("Idempotency-Key", "order-1");
            Assert.Equal(HttpStatusCode.Created, (await host.Http.SendAsync(request)).StatusCode);
        }
        var idempotency = new TableClient(TestHost.Azurite, "idempotency");
        int Records() => idempotency.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}")).Count();
        Assert.Equal(1, Records());
        var pruner = host.Services.GetRequiredService<ExpiredRowPruner>();

        await pruner.PruneAsync(default); // nothing has expired yet
        Assert.True(Exists("sessions", shortHash) && Exists("signintokens", tokenHash));

        clock.Advance(TimeSpan.FromDays(2));
        var first = await pruner.PruneAsync(default);
        Assert.True(first["sessions"] >= 1 && first["sign-in tokens"] >= 1, string.Join(", ", first));
        Assert.False(Exists("sessions", shortHash));
        Assert.False(Exists("signintokens", tokenHash));
        Assert.True(Exists("sessions", longHash));
        Assert.Equal(1, Records()); // two days: still inside its window

        clock.Advance(TimeSpan.FromDays(6));
        await pruner.PruneAsync(default);
        Assert.Equal(0, Records());
        Assert.True(Exists("sessions", longHash));
    }

    [Fact]
    public async Task A_run_deletes_at_most_its_bound_and_the_next_run_takes_the_rest()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow.AddDays(-90));
        await using var host = await TestHost.StartAsync(clock: clock, queues: false);
        var sessions = host.Services.GetRequiredService<ISessionStore>();
        var now = clock.GetUtcNow();
        var hashes = Enumerable.Range(0, 5).Select(_ => Hash()).ToArray();
        foreach (var h in hashes) await sessions.AddAsync(new Session("ses_" + h[..8], "acct_prune", now, now.AddMinutes(1)), h, default);
        clock.Advance(TimeSpan.FromHours(1));
        var store = host.Services.GetRequiredService<SessionTableStore>();

        // (Rows other tests made on clocks this far back may be among the expired: each run still stops at its bound.)
        Assert.Equal(3, await store.DeleteExpiredSessionsAsync(clock.GetUtcNow(), 3, default));
        Assert.True(hashes.Count(h => Exists("sessions", h)) >= 2);
        for (var run = 0; run < 20 && hashes.Any(h => Exists("sessions", h)); run++)
            Assert.InRange(await store.DeleteExpiredSessionsAsync(clock.GetUtcNow(), 3, default), 1, 3);
        Assert.Equal(0, hashes.Count(h => Exists("sessions", h)));
    }
}
