using System.Net;
using Azure.Data.Tables;
using Licensing.Domain.Licenses;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Lifecycle;

[Collection(GlobalJobsCollection.Name)]
public sealed class LifecycleTests
{
    [Fact]
    public async Task Expired_licenses_are_marked_and_opted_in_reminders_go_out_once()
    {
        await Smtp4dev.RequireAsync();
        var clock = new TestClock();
        await using var host = await TestHost.StartAsync(clock: clock, ownQueues: true); // six days ahead later: claims on its own queues only
        var (accountId, apiKey) = await host.CreateAccountAsync();
        var product = new
        {
            name = "Reminded",
            renewalReminderDays = 7,
            plans = new[] { new { id = "pro", model = "subscription", durationDays = 365, maxActivations = 1 } }
        };
        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync("v1/products/my-plugin", product, apiKey)).Status);
        var email = $"renew-{Guid.NewGuid():N}@example.com";
        var soon = await host.IssueAsync(apiKey,
            new
            {
                productId = "my-plugin",
                customerEmail = email,
                plan = "pro",
                expiresAt = Licensing.Functions.Http.Json.Format(clock.GetUtcNow().AddDays(5))
            });
        await host.IssueAsync(apiKey,
            new
            {
                productId = "my-plugin",
                customerEmail = email,
                plan = "pro",
                expiresAt = Licensing.Functions.Http.Json.Format(clock.GetUtcNow().AddDays(30))
            });

        var jobs = host.Services.GetRequiredService<LifecycleJobs>();
        await jobs.SendRenewalRemindersAsync(default);
        await jobs.SendRenewalRemindersAsync(default); // a timer firing twice sends nothing new
        var reminders = await Smtp4dev.WaitForAsync(email, 1, Patience.Bound);
        // Once: the two runs queued one reminder (its id is the license's and its expiry day), so no second e-mail is on its way.
        var queued = new TableClient(TestHost.Azurite, TableStorage.EmailOutboxTable)
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"))
            .Where(e => e.RowKey.StartsWith("reminder-", StringComparison.Ordinal));
        Assert.StartsWith($"reminder-{soon.GetProperty("licenseId").GetString()}-", Assert.Single(queued).RowKey, StringComparison.Ordinal);
        Assert.Single(reminders);
        Assert.Contains("expires on", reminders[0].Subject);
        Assert.Contains(soon.GetProperty("licenseKey").GetString()!, await Smtp4dev.PlainTextAsync(reminders[0].Id));

        clock.Advance(TimeSpan.FromDays(6));
        await jobs.MarkExpiredAsync(default);
        var stored = await host.Services.GetRequiredService<ILicenseStore>().GetAsync(accountId, soon.GetProperty("licenseId").GetString()!, default);
        Assert.Equal(LicenseStatus.Expired, stored!.Status);
        Assert.Equal(0, await jobs.MarkExpiredAsync(default)); // idempotent: nothing left to mark
    }
}
