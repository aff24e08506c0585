using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Licensing.Tests.Telemetry;

/// <summary>
/// A local stand-in for Application Insights' ingestion (<c>POST {IngestionEndpoint}/v2.1/track</c>) that checks each request as
/// the service does: a JSON-stream body (gzip allowed), one envelope per line with a <c>name</c>, a parseable <c>time</c>,
/// the resource's instrumentation key and a known <c>data.baseType</c> with its <c>baseData</c>. It answers the service's
/// response (<c>itemsReceived</c>, <c>itemsAccepted</c>, <c>errors</c> by index; 206 when some are refused, 400 for a bad request),
/// and keeps what it accepted and what it refused.
/// </summary>
public sealed class IngestionEndpoint(string instrumentationKey)
{
    private static readonly HashSet<string> BaseTypes =
        ["MetricData", "RemoteDependencyData", "RequestData", "MessageData", "ExceptionData", "EventData", "PageViewData", "AvailabilityData"];

    private readonly ConcurrentQueue<Item> _items = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private readonly ConcurrentQueue<string> _bodies = new();

    public sealed record Item(string Type, JsonElement Data, JsonElement Envelope);

    public IReadOnlyList<Item> Items => [.. _items];

    public IReadOnlyList<string> Refused => [.. _refused];

    public IReadOnlyList<string> Bodies => [.. _bodies];

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Method != "POST" || request.Path != "/v2.1/track")
        {
            _refused.Enqueue($"{request.Method} {request.Path}");
            context.Response.StatusCode = 404;
            return;
        }
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("application/x-json-stream" or "application/json"))
        {
            _refused.Enqueue($"content type {request.ContentType}");
            await Answer(context, 400, 0, 0, []);
            return;
        }
        var input = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        string body;
        using (var reader = new StreamReader(input, Encoding.UTF8)) body = await reader.ReadToEndAsync();
        _bodies.Enqueue(body);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = new List<(int Index, string Message)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var problem = Check(lines[i], out var item);
            if (problem is null) _items.Enqueue(item!);
            else
            {
                errors.Add((i, problem));
                _refused.Enqueue($"{problem}: {lines[i]}");
            }
        }
        await Answer(context, errors.Count == 0 ? 200 : 206, lines.Length, lines.Length - errors.Count, errors);
    }

    private string? Check(string line, out Item? item)
    {
        item = null;
        JsonElement envelope;
        try
        {
            envelope = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException e)
        {
            return "not JSON: " + e.Message;
        }
        if (!envelope.TryGetProperty("iKey", out var key) || key.GetString() != instrumentationKey) return "unknown instrumentation key";
        if (!envelope.TryGetProperty("name", out var name) || name.GetString() is not { Length: > 0 }) return "name is required";
        if (!envelope.TryGetProperty("time", out var time) || !DateTimeOffset.TryParse(time.GetString(), out _)) return "time is required";
        if (!envelope.TryGetProperty("data", out var data) || !data.TryGetProperty("baseType", out var type)
            || !BaseTypes.Contains(type.GetString() ?? "") || !data.TryGetProperty("baseData", out var baseData))
            return "data.baseType and data.baseData are required";
        item = new Item(type.GetString()!, baseData, envelope);
        return null;
    }

    private static Task Answer(HttpContext context, int status, int received, int accepted, List<(int Index, string Message)> errors)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            itemsReceived = received,
            itemsAccepted = accepted,
            errors = errors.Select(e => new { index = e.Index, statusCode = 400, message = e.Message }),
        }));
    }
}
