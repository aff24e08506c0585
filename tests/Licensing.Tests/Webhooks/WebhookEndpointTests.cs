using System.Net;
using Azure.Data.Tables;
using Licensing.Tests.Support;

namespace Licensing.Tests.Webhooks;

public sealed class WebhookEndpointTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    [Fact]
    public async Task Create_shows_the_secret_once_and_stores_it_only_encrypted()
    {
        var (accountId, apiKey, _) = await WebhookTestKit.AccountAsync(Host);
        var events = new[] { "license.created", "license.revoked" };
        var r = await Host.PostAsync("v1/webhook-endpoints", new { url = "https://hooks.example.com/licensing", events }, apiKey);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        var id = r.Json.GetProperty("id").GetString()!;
        var secret = r.Json.GetProperty("secret").GetString()!;
        Assert.Matches("^whep_[0-9a-f]{24}$", id);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.True(Convert.FromBase64String(secret[6..]).Length >= 24);
        Assert.Equal("https://hooks.example.com/licensing", r.Json.GetProperty("url").GetString());
        Assert.Equal(["license.created", "license.revoked"], r.Json.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.True(r.Json.TryGetProperty("createdAt", out _));

        var list = await Host.GetAsync("v1/webhook-endpoints", apiKey);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var item = Assert.Single(list.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal("enabled", item.GetProperty("status").GetString());
        Assert.False(item.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret[6..], list.Text, StringComparison.Ordinal);

        // Nowhere in storage in plain text: not on the endpoint, not in the local secret store (ciphertext only).
        var stored = new[] { "webhookendpoints", "localsecrets" }.SelectMany(t => new TableClient(TestHost.Azurite, t).Query<TableEntity>())
            .SelectMany(e => e.Select(p => p.Value)).OfType<string>();
        Assert.DoesNotContain(stored, v => v.Contains(secret[6..], StringComparison.Ordinal));
        var protectedRow = new TableClient(TestHost.Azurite, "localsecrets")
            .GetEntityIfExists<TableEntity>("secret", $"webhook-{accountId.Replace('_', '-')}-{id.Replace('_', '-')}");
        Assert.True(protectedRow.HasValue);
    }

    [Fact]
    public async Task Bad_urls_and_events_are_refused_naming_the_field_and_nothing_is_stored()
    {
        var (_, apiKey, _) = await WebhookTestKit.AccountAsync(Host);
        (object Body, string Field)[] cases =
        [
            (new { url = "https://10.0.0.8/hook", events = new[] { "*" } }, "url"),
            (new { url = "https://169.254.169.254/latest", events = new[] { "*" } }, "url"),
            (new { url = "http://hooks.example.com/", events = new[] { "*" } }, "url"),
            (new { url = "ftp://hooks.example.com/", events = new[] { "*" } }, "url"),
            (new { events = new[] { "*" } }, "url"),
            (new { url = "https://hooks.example.com/", events = Array.Empty<string>() }, "events"),
            (new { url = "https://hooks.example.com/" }, "events"),
            (new { url = "https://hooks.example.com/", events = new[] { "license.created", "license.exploded" } }, "events[1]"),
        ];
        foreach (var (body, field) in cases)
        {
            var problem = (await Host.PostAsync("v1/webhook-endpoints", body, apiKey)).AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }
        (await Host.SendAsync(HttpMethod.Post, "v1/webhook-endpoints", rawBody: "{\"url\":", bearer: apiKey)).AssertProblem(HttpStatusCode.BadRequest,
            "INVALID_JSON");
        var list = await Host.GetAsync("v1/webhook-endpoints", apiKey);
        Assert.Empty(list.Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Delete_answers_204_then_404_and_another_account_sees_nothing()
    {
        var (_, apiKey, _) = await WebhookTestKit.AccountAsync(Host);
        var (_, otherKey, _) = await WebhookTestKit.AccountAsync(Host);
        var (id, _) = await WebhookTestKit.EndpointAsync(Host, apiKey, new Uri("https://hooks.example.com/a"), "*");

        (await Host.SendAsync(HttpMethod.Delete, $"v1/webhook-endpoints/{id}", bearer: otherKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.GetAsync($"v1/webhook-endpoints/{id}/deliveries", otherKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.PostAsync($"v1/webhook-endpoints/{id}/test", null, otherKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty((await Host.GetAsync("v1/webhook-endpoints", otherKey)).Json.GetProperty("items").EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"v1/webhook-endpoints/{id}", bearer: apiKey)).Status);
        (await Host.SendAsync(HttpMethod.Delete, $"v1/webhook-endpoints/{id}", bearer: apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        (await Host.GetAsync("v1/webhook-endpoints/not-an-id/deliveries", apiKey)).AssertProblem(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty((await Host.GetAsync("v1/webhook-endpoints", apiKey)).Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Webhook_routes_need_an_account_key()
    {
        (await Host.GetAsync("v1/webhook-endpoints")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await Host.PostAsync("v1/webhook-endpoints", new { url = "https://hooks.example.com/", events = new[] { "*" } }))
            .AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Test_sends_a_signed_ping_that_an_independent_implementation_verifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, apiKey, _) = await WebhookTestKit.AccountAsync(Host);
        var (id, secret) = await WebhookTestKit.EndpointAsync(Host, apiKey, new Uri(receiver.Uri, "/hooks/in"), "license.revoked");

        var r = await Host.PostAsync($"v1/webhook-endpoints/{id}/test", null, apiKey);
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        var messageId = r.Json.GetProperty("id").GetString()!;

        var got = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("/hooks/in", got.Path);
        Assert.Equal(messageId, got.Id);
        WebhookTestKit.Verify(secret, got);
        var body = WebhookTestKit.Body(got);
        Assert.Equal("ping", body.GetProperty("type").GetString());
        Assert.True(body.TryGetProperty("timestamp", out _));
        Assert.Equal(System.Text.Json.JsonValueKind.Object, body.GetProperty("data").ValueKind);

        var delivered = await WebhookTestKit.WaitForDeliveriesAsync(Host, apiKey, id, d => d.Any(x => x.GetProperty("status").GetString() == "delivered"));
        var item = Assert.Single(delivered);
        Assert.Equal(messageId, item.GetProperty("id").GetString());
        Assert.Equal("ping", item.GetProperty("type").GetString());
        Assert.Equal(1, item.GetProperty("attempts").GetInt32());
        Assert.Equal(200, item.GetProperty("responseStatus").GetInt32());
        Assert.True(item.TryGetProperty("at", out _));
    }

    [Fact]
    public async Task Outside_local_runs_registration_refuses_plain_http_and_loopback()
    {
        await using var azureLike = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Licensing:Webhooks:AllowLoopback"] = "false" },
            queues: false);
        var (_, apiKey, _) = await WebhookTestKit.AccountAsync(azureLike);
        foreach (var url in new[] { "http://127.0.0.1:7000/hook", "https://127.0.0.1/hook", "https://localhost/hook", "https://[::1]/hook" })
        {
            var problem = (await azureLike.PostAsync("v1/webhook-endpoints", new { url, events = new[] { "*" } }, apiKey))
                .AssertProblem(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), url);
        }
        Assert.Equal(HttpStatusCode.Created,
            (await azureLike.PostAsync("v1/webhook-endpoints", new { url = "https://hooks.example.com/x", events = new[] { "*" } }, apiKey)).Status);
    }
}
