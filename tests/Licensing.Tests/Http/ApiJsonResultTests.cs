using System.Text.Json;
using Licensing.Functions.Http;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace Licensing.Tests.Http;

/// <summary>
/// JSON answers are serialized into a per-thread buffer that is reused: the bytes and the Content-Length must be exactly what the
/// API's serializer options produce, whatever a larger answer left in the buffer before.
/// </summary>
public sealed class ApiJsonResultTests
{
    private sealed record Sample(string Text, DateTimeOffset At, DateTimeOffset? Missing, IReadOnlyList<string> Items, Sample? Child);

    [Fact]
    public async Task The_body_is_byte_for_byte_what_the_serializer_writes_and_a_smaller_body_after_a_larger_one_carries_nothing_over()
    {
        var large = new Sample(new string('x', 5000) + " <script>&'\" é ü 日本 \u2028", DateTimeOffset.Parse("2026-11-30T03:04:05.678Z"), null,
            ["a", "b\n\"c\""], new Sample("child", DateTimeOffset.Parse("2026-01-01T00:00:00Z"), null, [], null));
        var small = new Sample("small", DateTimeOffset.Parse("2026-11-30T00:00:00+02:00"), DateTimeOffset.Parse("2027-01-01T00:00:00Z"), [], null);
        var problem = new Dictionary<string, object?> { ["code"] = "X", ["errors"] = new { key = new[] { "is required" } } };
        foreach (var value in new object[] { large, small, problem })
        {
            var (body, length, type) = await ExecuteAsync(new ApiJsonResult(200, value));
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Json.Options), body);
            Assert.Equal(body.Length, length);
            Assert.Equal("application/json; charset=utf-8", type);
        }
    }

    [Fact]
    public async Task A_validate_answer_over_http_has_a_content_length_equal_to_its_body()
    {
        await using var host = await TestHost.StartAsync();
        var apiKey = await host.CreateAccountWithProductAsync();
        var key = (await host.IssueAsync(apiKey)).GetProperty("licenseKey").GetString()!;
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Http.PostAsync("v1/validate",
                new StringContent(JsonSerializer.Serialize(new { key, domain = "customer-site.com" }), System.Text.Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.Equal("VALID", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        }
    }

    private static async Task<(byte[] Body, long? Length, string? Type)> ExecuteAsync(IActionResult result)
    {
        var context = new DefaultHttpContext();
        using var stream = new MemoryStream();
        context.Response.Body = stream;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return (stream.ToArray(), context.Response.ContentLength, context.Response.ContentType);
    }
}
