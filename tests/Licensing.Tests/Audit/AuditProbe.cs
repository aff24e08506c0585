using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Tests.Support;

namespace Licensing.Tests.Audit;

/// <summary>Reads the audit log over HTTP and the change journal straight from Azurite, waiting on conditions.</summary>
public static class AuditProbe
{
    /// <summary>Pages through <c>GET /v1/audit</c> (with <paramref name="query"/>) and returns every entry, newest first.</summary>
    public static async Task<List<JsonElement>> ListAsync(TestHost host, string apiKey, string query = "", int? limit = null)
    {
        var items = new List<JsonElement>();
        string? token = null;
        do
        {
            var parts = new List<string>();
            if (query.Length > 0) parts.Add(query);
            if (limit is { } l) parts.Add($"limit={l}");
            if (token is not null) parts.Add("continuationToken=" + Uri.EscapeDataString(token));
            var r = await host.GetAsync("v1/audit?" + string.Join('&', parts), apiKey);
            Assert.True(r.Status == HttpStatusCode.OK, r.Text);
            items.AddRange(r.Json.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            token = r.Json.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        return items;
    }

    /// <summary>Waits until the license's history holds <paramref name="count"/> entries (the fan-out is asynchronous).</summary>
    public static async Task<List<JsonElement>> WaitForHistoryAsync(TestHost host, string apiKey, string licenseId, int count)
    {
        var deadline = Patience.Deadline;
        while (true)
        {
            var items = await ListAsync(host, apiKey, $"licenseId={licenseId}");
            if (items.Count >= count || DateTime.UtcNow > deadline) return items;
            await Task.Delay(100);
        }
    }

    /// <summary>The change journal rows of an account still in the licenses table.</summary>
    public static List<TableEntity> JournalRows(string accountId) =>
        new TableClient(TestHost.Azurite, "licenses").Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"))
            .Where(e => e.RowKey.StartsWith(Licensing.Functions.Licenses.ChangeJournalTableStore.Prefix, StringComparison.Ordinal)).ToList();

    public static async Task WaitForEmptyJournalAsync(string accountId)
    {
        var deadline = Patience.Deadline;
        while (JournalRows(accountId).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the change journal was not emptied");
            await Task.Delay(100);
        }
    }
}
