using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues.Models;
using Licensing.Functions.Billing;
using Licensing.Functions.Telemetry;
using Licensing.Tests.Accounts;
using Licensing.Tests.Support;
using Licensing.Tests.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Telemetry;

/// <summary>
/// One host with the console telemetry on (every span and metric as a log line) and every log entry captured, driven through a full
/// flow over HTTP: sign-up, issue, validate, activate, a Stripe purchase, e-mail, an import, a failing webhook. The counters are read
/// with a MeterListener, the storage calls show as dependency spans, and nothing logged holds a key, an e-mail address, a token or a secret.
/// </summary>
public sealed partial class TelemetryFlowTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"(lsk_|lss_|lsi_|whsec_|LK1\.)[A-Za-z0-9_-]{6,}|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex SecretShaped();

    [Fact]
    public async Task A_full_flow_is_counted_traced_and_logged_with_ids_only()
    {
        await Smtp4dev.RequireAsync();
        using var meters = new MeterRecorder();
        var logs = new CapturingLoggerProvider();
        await using var host = await TestHost.StartAsync(settings: AccountTestKit.Settings(
                ("Logging:LogLevel:Default", "Information"),
                ("Licensing:Telemetry:Console", "All"),
                ("Licensing:Telemetry:ConsoleIntervalSeconds", "1"),
                ("Licensing:Telemetry:GaugeRefreshSeconds", "1")),
            services: s => s.AddLogging(b => b.AddProvider(logs)));
        var secrets = new List<string> { TestHost.AdminKey, StripeEvents.Secret };

        // Sign-up by e-mail link.
        var (session, _, founder) = await AccountTestKit.SignUpAsync(host, "telemetry");
        secrets.AddRange([session, founder]);

        // An account with a product and Stripe connected; a license issued, validated and activated.
        var (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await host.PutAsync("v1/integrations/stripe", new { webhookSecret = StripeEvents.Secret }, apiKey)).Status);
        var customer = $"customer-{Guid.NewGuid():N}@telemetry.example";
        var license = await host.IssueAsync(apiKey,
            new { productId = "my-plugin", customerEmail = customer, domains = new[] { "telemetry-site.com" }, plan = "pro" });
        var licenseKey = license.GetProperty("licenseKey").GetString()!;
        secrets.AddRange([apiKey, customer, licenseKey]);
        Assert.Equal("VALID", (await host.PostOkAsync("v1/validate", new { key = licenseKey, domain = "telemetry-site.com" })).GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", (await host.PostOkAsync("v1/validate", new { key = "LK1.forged" })).GetProperty("code").GetString());
        Assert.True((await host.PostOkAsync("v1/activate", new { key = licenseKey, domain = "telemetry-site.com" })).GetProperty("activated").GetBoolean());

        // A Stripe purchase: a license and its e-mail.
        var buyer = $"buyer-{Guid.NewGuid():N}@telemetry.example";
        secrets.Add(buyer);
        var purchase = StripeEvents.Event("checkout.session.completed", StripeEvents.CheckoutSession(StripeEvents.NewId("cs"), buyer));
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.DeliverAsync(host, accountId, purchase)).Status);
        await Smtp4dev.WaitForAsync(buyer, 1, Patience);

        // An import of a key sold elsewhere.
        var imported = "EDD-" + Guid.NewGuid().ToString("N");
        var importedEmail = $"imported-{Guid.NewGuid():N}@telemetry.example";
        secrets.AddRange([imported, importedEmail]);
        var import = await host.PostAsync("v1/licenses/import",
            new { productId = "my-plugin", licenses = new[] { new { key = imported, customerEmail = importedEmail, plan = "pro" } } }, apiKey);
        Assert.True(import.Status == HttpStatusCode.OK, import.Text);

        // A webhook endpoint that always fails.
        await using var receiver = await WebhookReceiver.StartAsync((_, _) => 500);
        var (_, webhookSecret) = await WebhookTestKit.EndpointAsync(host, apiKey, receiver.Uri, "*");
        secrets.Add(webhookSecret);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync($"v1/licenses/{license.GetProperty("licenseId").GetString()}/suspend", null, apiKey)).Status);
        await receiver.WaitForAsync(1);

        // The counters of what happened, as an exporter reads them.
        await meters.WaitForAsync(m => m.Sum("licensing.validations", ("code", "VALID")) >= 1 && m.Sum("licensing.validations", ("code", "NOT_FOUND")) >= 1
            && m.Sum("licensing.activations", ("operation", "activate"), ("code", "VALID")) >= 1
            && m.Sum("licensing.provider_events", ("provider", "stripe"), ("type", "checkout.session.completed"), ("outcome", "processed")) >= 1
            && m.Sum("licensing.email.deliveries", ("outcome", "sent")) >= 1
            && m.Sum("licensing.webhooks.delivery_failures", ("final", "False")) >= 1, "the flow's counters");

        // The console view: dependency spans for storage calls, and metric lines.
        var telemetry = (Func<CapturingLoggerProvider.Entry, bool>)(e => e.Category == ConsoleTelemetryExport.Category);
        await logs.WaitForAsync(e => telemetry(e) && e.Message.StartsWith("span Azure.Data.Tables", StringComparison.Ordinal));
        await logs.WaitForAsync(e => telemetry(e) && e.Message.StartsWith("span Azure.Storage.Queues", StringComparison.Ordinal));
        await logs.WaitForAsync(e => telemetry(e) && e.Message.StartsWith("metric licensing.validations{code=VALID}", StringComparison.Ordinal));

        // Ids as scope. Every host of the test run reads the shared queues, so the purchase may have been processed by another one:
        // the queue function runs here once more on the same message (as a redelivery would), is a duplicate, and logs in the scope.
        var redelivery = QueuesModelFactory.QueueMessage("m1", "p1",
            JsonSerializer.Serialize(new { accountId, eventId = purchase["id"]!.GetValue<string>(), provider = "stripe" }), 2);
        await ActivatorUtilities.CreateInstance<BillingEventFunctions>(host.Services).ProcessBillingEvent(redelivery, CancellationToken.None);
        // This host may also have processed other tests' duplicates from the shared queue: the entry looked for is this account's.
        var processed = await logs.WaitForAsync(e =>
            e.Category.EndsWith("BillingEventFunctions", StringComparison.Ordinal) && e.Message.Contains("already processed")
            && e.Message.Contains(purchase["id"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains(processed.Scopes, s => s.Key == "AccountId" && (string?)s.Value == accountId);
        Assert.True(meters.Sum("licensing.provider_events", ("provider", "stripe"), ("type", "checkout.session.completed"), ("outcome", "duplicate")) >= 1);

        // Nothing logged (messages, exceptions, scopes) holds a secret or anything shaped like one.
        var entries = logs.Entries.ToArray();
        Assert.True(entries.Length > 50, $"only {entries.Length} entries captured");
        foreach (var e in entries)
        {
            var text = string.Join(" | ", new[] { e.Message, e.Exception?.ToString() }.Concat(e.Scopes.Select(s => $"{s.Key}={s.Value}")));
            Assert.DoesNotContain(secrets, s => text.Contains(s, StringComparison.OrdinalIgnoreCase));
            Assert.False(SecretShaped().IsMatch(text), $"[{e.Category}] {text}");
        }
    }
}
