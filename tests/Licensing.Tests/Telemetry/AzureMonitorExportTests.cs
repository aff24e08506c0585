using System.Text.Json;
using Azure.Storage.Queues.Models;
using Licensing.Functions.Billing;
using Licensing.Tests.Accounts;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Telemetry;

/// <summary>
/// The export to Application Insights, end to end: a host configured as in Azure (only <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
/// set, pointing at a local ingestion endpoint that checks each request as the service does) validates, issues and processes a
/// queue message; when it stops, the exporter has delivered the verdict counter as a metric, the storage calls as dependencies and
/// the queue function's log line with its account id, and no envelope holds a key, an API key or an e-mail address.
/// </summary>
public sealed class AzureMonitorExportTests
{
    [Fact]
    public async Task Metrics_dependencies_and_logs_reach_the_ingestion_endpoint_as_Application_Insights_envelopes()
    {
        var iKey = Guid.NewGuid().ToString();
        var ingestion = new IngestionEndpoint(iKey);
        await using var server = await LocalServer.StartHttpAsync(ingestion.HandleAsync);
        var host = await TestHost.StartAsync(settings: AccountTestKit.Settings(
            ("APPLICATIONINSIGHTS_CONNECTION_STRING", $"InstrumentationKey={iKey};IngestionEndpoint={server.Uri}"),
            ("Logging:LogLevel:Licensing", "Information")));
        string accountId, apiKey, licenseKey, customer;
        try
        {
            (accountId, apiKey) = await host.CreateAccountWithProductAndIdAsync();
            customer = $"customer-{Guid.NewGuid():N}@export.example";
            licenseKey = (await host.IssueAsync(apiKey,
                    new { productId = "my-plugin", customerEmail = customer, domains = new[] { "export-site.com" }, plan = "pro" }))
                .GetProperty("licenseKey").GetString()!;
            Assert.Equal("VALID", (await host.PostOkAsync("v1/validate", new { key = licenseKey, domain = "export-site.com" }))
                .GetProperty("code").GetString());

            // A queue function's log line, written in the scope of the account it is about (an event id no provider sent).
            var message = QueuesModelFactory.QueueMessage("m1", "p1",
                JsonSerializer.Serialize(new { accountId, eventId = "evt_" + Guid.NewGuid().ToString("N"), provider = "stripe" }), 1);
            await ActivatorUtilities.CreateInstance<BillingEventFunctions>(host.Services).ProcessBillingEvent(message, CancellationToken.None);
        }
        finally
        {
            await host.DisposeAsync(); // stopping the host flushes every exporter
        }

        Assert.Empty(ingestion.Refused);
        var items = ingestion.Items;
        Assert.Contains(items, i => i.Type == "MetricData" && i.Data.GetProperty("metrics")[0].GetProperty("name").GetString() == "licensing.validations"
            && Property(i, "code") == "VALID");
        Assert.Contains(items, i => Dependency(i, "Microsoft.Tables", "TableClient.GetEntityIfExists"));
        Assert.Contains(items, i => Dependency(i, "Microsoft.Storage", "QueueClient.SendMessage"));
        Assert.Contains(items, i => i.Type == "MessageData" && Property(i, "AccountId") == accountId
            && Property(i, "CategoryName") == typeof(BillingEventFunctions).FullName);

        var everything = string.Join("\n", ingestion.Bodies);
        foreach (var secret in new[] { apiKey, licenseKey, customer, TestHost.AdminKey })
            Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
    }

    private static bool Dependency(IngestionEndpoint.Item item, string type, string name) =>
        item.Type == "RemoteDependencyData" && item.Data.GetProperty("type").GetString()!.EndsWith(type, StringComparison.Ordinal)
        && item.Data.GetProperty("name").GetString() == name;

    private static string? Property(IngestionEndpoint.Item item, string name) =>
        item.Data.TryGetProperty("properties", out var p) && p.TryGetProperty(name, out var v) ? v.GetString() : null;
}
