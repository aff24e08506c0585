using System.Net;
using System.Text.Json;
using Licensing.Domain.Audit;
using Licensing.Domain.Licenses;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Licensing.Tests.Audit;

public sealed class ChangeJournalTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    private static string[] Actions(IEnumerable<JsonElement> items) => [.. items.Select(i => i.GetProperty("action").GetString()!)];

    [Fact]
    public async Task Every_license_change_reaches_the_audit_log_with_its_actor_and_the_journal_empties()
    {
        var (accountId, apiKey) = await Host.CreateAccountWithProductAndIdAsync();
        var l = await Host.IssueAsync(apiKey);
        var id = l.GetProperty("licenseId").GetString()!;
        var key = l.GetProperty("licenseKey").GetString()!;
        foreach (var verb in new[] { "suspend", "reinstate" })
            Assert.Equal(HttpStatusCode.OK, (await Host.PostAsync($"v1/licenses/{id}/{verb}", new { }, apiKey)).Status);
        Assert.True((await Host.PostOkAsync("v1/activate", new { key, domain = "second-site.com" })).GetProperty("activated").GetBoolean());
        Assert.True((await Host.PostOkAsync("v1/deactivate", new { key, domain = "second-site.com" })).GetProperty("deactivated").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await Host.PostAsync($"v1/licenses/{id}/revoke", new { }, apiKey)).Status);

        var history = await AuditProbe.WaitForHistoryAsync(Host, apiKey, id, 6);
        Assert.Equal([LicenseChanges.Revoked, LicenseChanges.ActivationDeleted, LicenseChanges.ActivationCreated, LicenseChanges.Reinstated,
            LicenseChanges.Suspended, LicenseChanges.Created], Actions(history));
        var times = history.Select(h => h.GetProperty("at").GetDateTimeOffset()).ToArray();
        Assert.Equal(times.OrderDescending(), times);
        // Account calls name the API key (never the key itself); public activate/deactivate name the customer.
        Assert.All(history.Where(h => !h.GetProperty("action").GetString()!.StartsWith("activation.", StringComparison.Ordinal)),
            h => Assert.Equal("apiKey", h.GetProperty("actor").GetProperty("type").GetString()));
        Assert.All(history.Where(h => h.GetProperty("action").GetString()!.StartsWith("activation.", StringComparison.Ordinal)),
            h => Assert.Equal("customer", h.GetProperty("actor").GetProperty("type").GetString()));
        Assert.DoesNotContain(apiKey, history.Select(h => h.ToString()).Aggregate(string.Concat));
        Assert.DoesNotContain(key, history.Select(h => h.ToString()).Aggregate(string.Concat));
        var created = history[^1];
        Assert.Equal("license", created.GetProperty("target").GetProperty("type").GetString());
        Assert.Equal(id, created.GetProperty("target").GetProperty("id").GetString());
        Assert.Equal("customer@example.com", created.GetProperty("changes").GetProperty("customerEmail").GetProperty("to").GetString());
        var activation = history[2];
        Assert.Equal("activation", activation.GetProperty("target").GetProperty("type").GetString());
        Assert.Equal("second-site.com", activation.GetProperty("changes").GetProperty("activation").GetProperty("to").GetProperty("domain").GetString());
        Assert.Equal("active", history[0].GetProperty("changes").GetProperty("status").GetProperty("from").GetString());
        Assert.Equal("revoked", history[0].GetProperty("changes").GetProperty("status").GetProperty("to").GetString());

        // The account-wide listing holds the same entries (and the product's creation); every record was handed on, so the journal is empty.
        var all = await AuditProbe.ListAsync(Host, apiKey);
        Assert.Equal(history.Select(h => h.GetProperty("id").GetString()),
            all.Where(h => h.GetProperty("licenseId").ValueKind == JsonValueKind.String).Select(h => h.GetProperty("id").GetString()));
        Assert.Equal("product.created", all[^1].GetProperty("action").GetString());
        await AuditProbe.WaitForEmptyJournalAsync(accountId);
    }

    [Fact]
    public async Task A_change_whose_announcement_is_lost_is_journaled_with_it_and_handed_on_by_the_sweep()
    {
        // The process "crashes" after the write: the journal row is there, no queue message is sent.
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, queues: false,
            services: s => s.Replace(ServiceDescriptor.Singleton<IChangeNotifier, LostAnnouncements>()));
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        var id = (await host.IssueAsync(apiKey)).GetProperty("licenseId").GetString()!;
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync($"v1/licenses/{id}/suspend", new { }, apiKey)).Status);

        var journaled = AuditProbe.JournalRows(accountId);
        Assert.Equal(2, journaled.Count);
        Assert.Empty(await AuditProbe.ListAsync(host, apiKey, $"licenseId={id}"));

        var dispatcher = host.Services.GetRequiredService<ChangeDispatcher>();
        Assert.Equal(0, await SweepOwnAsync(dispatcher, accountId)); // within the grace period the queue message is awaited
        clock.Advance(ChangeDispatcher.SweepGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await SweepOwnAsync(dispatcher, accountId));
        Assert.Empty(AuditProbe.JournalRows(accountId));
        Assert.Equal([LicenseChanges.Suspended, LicenseChanges.Created], Actions(await AuditProbe.ListAsync(host, apiKey, $"licenseId={id}")));
        // Handing on again changes nothing: the audit log is keyed by the change.
        await dispatcher.SweepAsync(default);
        Assert.Equal(2, (await AuditProbe.ListAsync(host, apiKey, $"licenseId={id}")).Count);
    }

    /// <summary>The sweep goes through every account's rows; this counts the ones of the test's account it handed on.</summary>
    private static async Task<int> SweepOwnAsync(ChangeDispatcher dispatcher, string accountId)
    {
        var before = AuditProbe.JournalRows(accountId).Count;
        try
        {
            await dispatcher.SweepAsync(default);
        }
        catch (Exception) when (AuditProbe.JournalRows(accountId).Count < before)
        {
            // Other tests' rows may fail here (their hosts are gone); ours were handed on.
        }
        return before - AuditProbe.JournalRows(accountId).Count;
    }

    private sealed class LostAnnouncements : IChangeNotifier
    {
        public Task NotifyAsync(IReadOnlyList<ChangeRecord> records, CancellationToken ct) => Task.CompletedTask;
    }
}
