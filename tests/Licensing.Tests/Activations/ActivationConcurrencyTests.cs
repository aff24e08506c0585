using System.Collections.Concurrent;
using System.Net;
using Licensing.Domain.Activations;
using Licensing.Domain.Audit;
using Licensing.Domain.Licenses;
using Licensing.Domain.Products;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Activations;

/// <summary>
/// The activation limit under concurrency, against Azurite with the real table store. The first test storms the HTTP
/// API; the second shows the guarantee rests on the ETag condition by running the same race through a store that
/// drops it (If-Match: *), where the limit is broken — so these tests fail if the condition is ever lost.
/// </summary>
public sealed class ActivationConcurrencyTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    [Fact]
    public async Task Dozens_of_simultaneous_activations_and_deactivations_never_exceed_the_limit()
    {
        const int limit = 3;
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var l = await Host.IssueAsync(apiKey, new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro", maxActivations = limit });
        var lk = l.GetProperty("licenseKey").GetString()!;
        var licenseId = l.GetProperty("licenseId").GetString()!;
        var store = Host.Services.GetRequiredService<ILicenseStore>();

        var observed = new ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                observed.Add((await store.GetAsync(accountId, licenseId, default))!.Activations.Count);
        });

        var activated = new ConcurrentBag<string>();
        var requests = new List<Task>();
        for (var i = 0; i < 30; i++)
        {
            var domain = $"site{i}.com";
            requests.Add(Task.Run(async () =>
            {
                var r = await Host.PostAsync("v1/activate", new { key = lk, domain });
                Assert.Equal(HttpStatusCode.OK, r.Status);
                if (r.Json.GetProperty("activated").GetBoolean()) activated.Add(domain);
                else Assert.Equal("ACTIVATION_LIMIT_REACHED", r.Json.GetProperty("code").GetString());
            }));
        }
        for (var i = 0; i < 10; i++)
        {
            requests.Add(Task.Run(() => Host.PostAsync("v1/activate", new { key = lk, domain = "same.com" })));
            requests.Add(Task.Run(() => Host.PostAsync("v1/validate", new { key = lk, domain = $"auto{i}.com" })));
            requests.Add(Task.Run(() => Host.PostAsync("v1/deactivate", new { key = lk, domain = $"site{i}.com" })));
        }
        await Task.WhenAll(requests);
        await stop.CancelAsync();
        await watcher;

        var final = (await store.GetAsync(accountId, licenseId, default))!;
        Assert.InRange(final.Activations.Count, 1, limit);
        // The index and the activation rows were written together: every slot has its row, one per domain.
        var rows = await store.ListActivationsAsync(final, default);
        Assert.Equal(final.Activations.Select(a => a.Id), rows.Select(a => a.Id));
        Assert.Equal(final.Activations.Count, rows.Select(a => a.Domain).OfType<string>().Distinct().Count());
        Assert.NotEmpty(observed);
        Assert.All(observed, count => Assert.InRange(count, 0, limit));
    }

    [Fact]
    public async Task The_limit_rests_on_the_etag_condition_and_breaks_without_it()
    {
        const int limit = 3;
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var id1 = (await Host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro", maxActivations = limit })).GetProperty("licenseId").GetString()!;
        var id2 = (await Host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = "c@example.com", plan = "pro", maxActivations = limit })).GetProperty("licenseId").GetString()!;
        var store = Host.Services.GetRequiredService<ILicenseStore>();

        async Task<int> Race(ILicenseStore through, string licenseId)
        {
            // Every request starts from the same read, as concurrent requests do; then they all try to write.
            var stale = (await store.GetAsync(accountId, licenseId, default))!;
            var service = new ActivationService(through, TimeProvider.System);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                Task.Run(() => service.ActivateAsync(stale, new ActivationTarget($"race{i}.com", null), null, DevelopmentHostPolicy.Default, Actor.Customer(),
                    default))));
            return outcomes.Count(o => o.Activated);
        }

        var guarded = await Race(store, id1);
        Assert.Equal(limit, guarded);
        Assert.Equal(limit, (await store.GetAsync(accountId, id1, default))!.Activations.Count);

        var unguarded = await Race(new IgnoresETag(store), id2);
        Assert.True(unguarded > limit, $"without If-Match {unguarded} activations succeeded; the race did not happen");
    }

    /// <summary>A deliberately broken store: writes with If-Match: * (last writer wins).</summary>
    private sealed class IgnoresETag(ILicenseStore inner) : DelegatingLicenseStore(inner)
    {
        public override Task<License> ReplaceAsync(License license, ActivationChanges changes, IReadOnlyList<ChangeRecord> journal, CancellationToken ct) =>
            base.ReplaceAsync(license with { Version = "*" }, changes, journal, ct);
    }
}
