using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace Licensing.Tests.Webhooks;

/// <summary>What the webhook tests share: an account with its own founder address, endpoints, deliveries, and signature checks.</summary>
public static class WebhookTestKit
{
    public static async Task<(string AccountId, string ApiKey, string Email)> AccountAsync(TestHost host)
    {
        var email = $"founder-{Guid.NewGuid():N}@webhooks.example";
        var r = await host.PostAsync("v1/accounts", new { name = "Hooks", email }, TestHost.AdminKey);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        var apiKey = r.Json.GetProperty("apiKey").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync("v1/products/my-plugin", TestHost.SampleProduct, apiKey)).Status);
        return (r.Json.GetProperty("accountId").GetString()!, apiKey, email);
    }

    public static async Task<(string Id, string Secret)> EndpointAsync(TestHost host, string apiKey, Uri url, params string[] events)
    {
        var r = await host.PostAsync("v1/webhook-endpoints", new { url = url.AbsoluteUri, events }, apiKey);
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return (r.Json.GetProperty("id").GetString()!, r.Json.GetProperty("secret").GetString()!);
    }

    /// <summary>An account with an endpoint at <paramref name="url"/> for <paramref name="events"/> and one license issued.</summary>
    public static async Task<Subscription> SubscribedAsync(TestHost host, Uri url, params string[] events)
    {
        var (accountId, apiKey, email) = await AccountAsync(host);
        var (endpointId, secret) = await EndpointAsync(host, apiKey, url, events);
        var licenseId = (await host.IssueAsync(apiKey)).GetProperty("licenseId").GetString()!;
        return new Subscription(accountId, apiKey, email, endpointId, secret, licenseId);
    }

    public static async Task<JsonElement[]> DeliveriesAsync(TestHost host, string apiKey, string endpointId)
    {
        var r = await host.GetAsync($"v1/webhook-endpoints/{endpointId}/deliveries", apiKey);
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return [.. r.Json.GetProperty("items").EnumerateArray()];
    }

    /// <summary>Waits until the endpoint's deliveries satisfy <paramref name="done"/> (60 s at most).</summary>
    public static async Task<JsonElement[]> WaitForDeliveriesAsync(TestHost host, string apiKey, string endpointId, Func<JsonElement[], bool> done)
    {
        var deadline = Patience.Deadline;
        while (true)
        {
            var items = await DeliveriesAsync(host, apiKey, endpointId);
            if (done(items)) return items;
            Assert.True(DateTime.UtcNow < deadline, "deliveries never reached the expected state: " + JsonSerializer.Serialize(items));
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Checks a received request with the StandardWebhooks package (an implementation independent of the app's), its
    /// timestamp tolerance included.
    /// </summary>
    public static void Verify(string secret, WebhookReceiver.Received received)
    {
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = received.Id,
            ["webhook-timestamp"] = received.Timestamp,
            ["webhook-signature"] = received.Signature,
        };
        new StandardWebhook(secret).Verify(received.Body, headers);
    }

    /// <summary>The same check for a request signed on a test clock far from real time (the package's tolerance is real time).</summary>
    public static void VerifySignatureOnly(string secret, WebhookReceiver.Received received)
    {
        var expected = new StandardWebhook(secret).Sign(received.Id, DateTimeOffset.FromUnixTimeSeconds(long.Parse(received.Timestamp,
            System.Globalization.CultureInfo.InvariantCulture)), received.Body);
        Assert.Equal(expected, received.Signature);
    }

    public static JsonElement Body(WebhookReceiver.Received received) => JsonDocument.Parse(received.Body).RootElement;
}

public sealed record Subscription(string AccountId, string ApiKey, string Email, string EndpointId, string Secret, string LicenseId);
