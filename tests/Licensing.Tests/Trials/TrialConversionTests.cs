using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Licensing.Domain.Common;
using Licensing.Tests.Support;
using static Licensing.Tests.Trials.TrialSeller;

namespace Licensing.Tests.Trials;

/// <summary>
/// Trials are converted at the seam every payment provider's purchase goes through, tested here with real Stripe
/// signatures through the webhook, the queue and the processor.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrialConversionCollection
{
    /// <summary>Alone, so this host is the only reader of the shared queues and "the queues are empty" means every delivery was processed.</summary>
    public const string Name = "trial conversions";
}

[Collection(TrialConversionCollection.Name)]
public sealed class TrialConversionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = Support.Patience.Bound;
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(settings: TrialSeller.Unlimited);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(string AccountId, string ApiKey)> SellerAsync()
    {
        await Smtp4dev.RequireAsync();
        var seller = await CreateAsync(_host);
        var connected = await _host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret }, seller.ApiKey);
        Assert.Equal(HttpStatusCode.NoContent, connected.Status);
        return seller;
    }

    private async Task<JsonElement> TrialAsync(string accountId, string email, string domain)
    {
        var r = await _host.PostAsync("v1/trials", Request(accountId, email, domain: domain));
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return r.Json;
    }

    /// <summary>A seller connected to Stripe and a customer's trial of its product (on <paramref name="domain"/>, else a new site).</summary>
    private async Task<(string AccountId, string ApiKey, string Email, string TrialId, string Key)> TrialOfNewCustomerAsync(string? domain = null)
    {
        var (accountId, apiKey) = await SellerAsync();
        var email = NewEmail();
        var trial = await TrialAsync(accountId, email, domain ?? NewDomain());
        return (accountId, apiKey, email, trial.GetProperty("licenseId").GetString()!, trial.GetProperty("licenseKey").GetString()!);
    }

    private static JsonObject Checkout(string email, string plan = "business", string? sessionId = null) =>
        StripeEvents.Event("checkout.session.completed",
            StripeEvents.CheckoutSession(sessionId ?? StripeEvents.NewId("cs"), email, plan: plan, subscription: StripeEvents.NewId("sub")));

    private Task<JsonElement[]> LicensesOfAsync(string apiKey, string email) => Billing.CustomerLicenses.ListAsync(_host, apiKey, email);

    private async Task<JsonElement> WaitForLicenseAsync(string apiKey, string licenseId, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var license = (await _host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json;
            if (until(license)) return license;
            Assert.True(DateTime.UtcNow < deadline, $"license {licenseId} did not reach the expected state: {license}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Every delivery of every event was processed: the Stripe queue is empty (this collection runs alone, so this host
    /// is its only reader; a message is deleted only once processed, and a failing one reaches the poison queue).
    /// </summary>
    private static async Task WaitForStripeEventsToDrainAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        var queue = new QueueClient(TestHost.Azurite, "stripe-events");
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "stripe-events still holds messages");
            await Task.Delay(100);
        }
    }

    /// <summary>The account's outbox e-mails, once all are sent: each row is sent at most once, so these are all there will be.</summary>
    private static async Task<IReadOnlyList<string>> SentOutboxAsync(string accountId)
    {
        var deadline = DateTime.UtcNow + Patience;
        var outbox = new TableClient(TestHost.Azurite, "emailoutbox");
        while (true)
        {
            var rows = outbox.Query<TableEntity>(e => e.PartitionKey == accountId).ToList();
            if (rows.All(r => r.GetString("State") == "sent")) return rows.Select(r => r.RowKey).Order().ToArray();
            Assert.True(DateTime.UtcNow < deadline, "the account's e-mails were not all sent");
            await Task.Delay(100);
        }
    }

    private static JsonElement Claims(string jws) => JsonDocument.Parse(Base64Url.Decode(jws.Split('.')[1])).RootElement;

    [Fact]
    public async Task A_purchase_by_the_trial_s_e_mail_turns_the_trial_into_the_paid_license_with_the_same_key()
    {
        var domain = NewDomain();
        var (accountId, apiKey, email, licenseId, key) = await TrialOfNewCustomerAsync(domain);

        // The provider writes the address its own way: the same customer.
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(_host, accountId, Checkout(email.ToUpperInvariant()))).Status);
        var paid = await WaitForLicenseAsync(apiKey, licenseId, l => !l.GetProperty("trial").GetBoolean());

        Assert.Equal(key, paid.GetProperty("licenseKey").GetString());
        Assert.Equal("business", paid.GetProperty("plan").GetString());
        Assert.Equal(JsonValueKind.Null, paid.GetProperty("maxActivations").ValueKind);
        Assert.Contains("custom-branding", paid.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.InRange(paid.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(364), DateTimeOffset.UtcNow.AddDays(366));
        Assert.Equal([domain], paid.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("active", paid.GetProperty("status").GetString());
        Assert.Single(await LicensesOfAsync(apiKey, email));

        var v = await _host.PostOkAsync("v1/validate", new { key, domain });
        Assert.Equal("VALID", v.GetProperty("code").GetString());
        Assert.Equal("business", v.GetProperty("license").GetProperty("plan").GetString());
        Assert.False(Claims(v.GetProperty("certificate").GetString()!).TryGetProperty("trial", out _));

        var messages = await Smtp4dev.WaitForAsync(email, 2, Patience);
        Assert.Equal(["Your My Plugin license key", "Your My Plugin trial key"], messages.Select(m => m.Subject).Order());
        // Counted in the license quota once it is paid, once.
        Assert.Equal(1, (await _host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt32());

        // Only the first purchase converts: a second one is a license of its own.
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(_host, accountId, Checkout(email, plan: "pro"))).Status);
        await Smtp4dev.WaitForAsync(email, 3, Patience);
        var licenses = await LicensesOfAsync(apiKey, email);
        Assert.Equal(2, licenses.Length);
        Assert.Equal("business", (await _host.GetAsync($"v1/licenses/{licenseId}", apiKey)).Json.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task The_same_checkout_six_times_three_at_once_converts_once_and_issues_nothing_else()
    {
        var (accountId, apiKey, email, licenseId, _) = await TrialOfNewCustomerAsync();
        var checkout = Checkout(email);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StripeEvents.DeliverAsync(_host, accountId, checkout)));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(_host, accountId, checkout)).Status);

        await WaitForLicenseAsync(apiKey, licenseId, l => !l.GetProperty("trial").GetBoolean());
        await WaitForStripeEventsToDrainAsync();
        var license = Assert.Single(await LicensesOfAsync(apiKey, email));
        Assert.Equal(licenseId, license.GetProperty("licenseId").GetString());
        Assert.Equal(1, TestHost.StoredLicenseCount(accountId));
        // The trial key, then the paid one: two outbox rows, each sent once.
        Assert.Equal(["license-" + licenseId, "trial-" + licenseId], await SentOutboxAsync(accountId));
        Assert.Equal(2, (await Smtp4dev.WaitForAsync(email, 2, Patience)).Count);
        Assert.Equal(1, (await _host.GetAsync("v1/account", apiKey)).Json.GetProperty("usage").GetProperty("licensesIssued").GetInt32());
        var inbox = new TableClient(TestHost.Azurite, "stripeevents").GetEntity<TableEntity>(accountId, checkout["id"]!.GetValue<string>()).Value;
        Assert.StartsWith("provisioned " + licenseId, inbox.GetString("Outcome"));
    }

    [Fact]
    public async Task A_revoked_trial_is_not_converted_and_a_purchase_made_before_the_trial_keeps_its_own_license()
    {
        var (accountId, apiKey, email, trialId, _) = await TrialOfNewCustomerAsync();
        Assert.Equal(HttpStatusCode.OK, (await _host.PostAsync($"v1/licenses/{trialId}/revoke", null, apiKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(_host, accountId, Checkout(email))).Status);
        await Smtp4dev.WaitForAsync(email, 2, Patience);
        var licenses = await LicensesOfAsync(apiKey, email);
        Assert.Equal(2, licenses.Length);
        var revoked = (await _host.GetAsync($"v1/licenses/{trialId}", apiKey)).Json;
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        Assert.True(revoked.GetProperty("trial").GetBoolean());

        // A purchase processed before its buyer started a trial, delivered again afterwards: it keeps the license it issued.
        var buyer = NewEmail();
        var checkout = Checkout(buyer);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(_host, accountId, checkout)).Status);
        await Smtp4dev.WaitForAsync(buyer, 1, Patience);
        var own = Assert.Single(await LicensesOfAsync(apiKey, buyer)).GetProperty("licenseId").GetString();
        var later = await TrialAsync(accountId, buyer, NewDomain());
        var table = new TableClient(TestHost.Azurite, "stripeevents");
        var eventId = checkout["id"]!.GetValue<string>();
        // The provider retries the event (a replay of a processed event goes through the processor again).
        var record = table.GetEntity<TableEntity>(accountId, eventId).Value;
        record.Remove("ProcessedAt");
        table.UpdateEntity(record, record.ETag, TableUpdateMode.Replace);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(_host, accountId, checkout)).Status);
        await WaitForStripeEventsToDrainAsync();
        Assert.True((await _host.GetAsync($"v1/licenses/{later.GetProperty("licenseId").GetString()}", apiKey)).Json.GetProperty("trial").GetBoolean());
        Assert.Contains(own, (await LicensesOfAsync(apiKey, buyer)).Select(l => l.GetProperty("licenseId").GetString()));
    }
}
