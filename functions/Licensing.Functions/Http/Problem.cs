using Licensing.Domain.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Licensing.Functions.Http;

/// <summary>An RFC 9457 problem document with the contract's stable <c>code</c>.</summary>
public sealed record Problem(int Status, string Code, string Title, string Detail)
{
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }
    public int? RetryAfterSeconds { get; init; }
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public string Type => "urn:licensing:problem:" + Code.ToLowerInvariant().Replace('_', '-');

    public IActionResult ToResult()
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = Type,
            ["title"] = Title,
            ["status"] = Status,
            ["detail"] = Detail,
            ["code"] = Code,
        };
        if (Errors is not null) body["errors"] = Errors;
        if (Extensions is not null)
            foreach (var (k, v) in Extensions) body[k] = v;
        var result = new ApiJsonResult(Status, body, "application/problem+json");
        if (RetryAfterSeconds is { } seconds) result.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Status == StatusCodes.Status401Unauthorized) result.Headers["WWW-Authenticate"] = "Bearer";
        return result;
    }

    public static Problem NotFoundRoute(string path) => new(404, "NOT_FOUND", "Not Found", $"no endpoint at {path}");

    /// <summary>
    /// Maps any exception to its problem. Known failures keep their meaning; anything else is a 500 whose detail
    /// says nothing about the code (the exception is logged, never returned). A cancellation after the client hung up
    /// (<paramref name="requestAborted"/>) is no error of ours: 499, logged as information, and nobody reads it.
    /// </summary>
    public static Problem From(Exception exception, ILogger logger, CancellationToken requestAborted = default)
    {
        if (exception is OperationCanceledException && requestAborted.IsCancellationRequested)
        {
            logger.LogInformation("The client closed the connection before the request was answered");
            return new(499, "CLIENT_CLOSED_REQUEST", "Client Closed Request", "the client closed the connection before the answer");
        }
        var known = Find<LicensingException>(exception);
        switch (known)
        {
            case ValidationFailedException v:
                return new(400, "VALIDATION_FAILED", "Validation Failed", "one or more fields are invalid") { Errors = v.Errors };
            case InvalidJsonException j:
                return new(400, "INVALID_JSON", "Invalid JSON", j.Message);
            case RequestBodyException b:
                logger.LogInformation("The request body could not be read whole ({Status}): the client stopped sending it", b.Status);
                return b.Status == StatusCodes.Status408RequestTimeout
                    ? new(408, "REQUEST_TIMEOUT", "Request Timeout", "the request body stopped arriving before it was complete; send it again")
                    : new(400, "INCOMPLETE_BODY", "Incomplete Body", "the request body ended before the length its Content-Length header announced");
            case PayloadTooLargeException p:
                return new(413, "PAYLOAD_TOO_LARGE", "Payload Too Large", p.Message);
            case UnauthorizedException u:
                return new(401, "UNAUTHORIZED", "Unauthorized", u.Message);
            case ForbiddenException f:
                return new(403, "FORBIDDEN", "Forbidden", f.Message);
            case Licensing.Domain.Accounts.ForbiddenScopeException f:
                return new(403, "FORBIDDEN", "Forbidden", f.Message);
            case NotFoundException n:
                return new(404, "NOT_FOUND", "Not Found", n.Message);
            case ConflictException c:
                return new(409, "CONFLICT", "Conflict", c.Message);
            case Licensing.Domain.KeyAliases.KeyUnavailableException k:
                return new(409, "KEY_UNAVAILABLE", "Key Unavailable", k.Message);
            case Licensing.Domain.Quotas.QuotaExceededException q:
                return new(403, "QUOTA_EXCEEDED", "Quota Exceeded", q.Message);
            case RateLimitedException r:
                return new(429, "RATE_LIMITED", "Too Many Requests", r.Message) { RetryAfterSeconds = (int)Math.Ceiling(r.RetryAfter.TotalSeconds) };
            case ServiceUnavailableException s:
                logger.LogWarning(s.Fault, "Dependency unavailable: {Detail}", s.Message);
                return new(503, "SERVICE_UNAVAILABLE", "Service Unavailable", s.Message) { RetryAfterSeconds = s.RetryAfterSeconds };
        }
        // Last line of defence: a lost optimistic-concurrency race that no retry loop caught is a busy resource, not a fault.
        if (Find<ConcurrencyException>(exception) is { } race)
        {
            logger.LogWarning(race, "A conditional write lost its race outside a retry loop");
            return new(503, "SERVICE_UNAVAILABLE", "Service Unavailable",
                "the resource changed while this request was updating it; try again")
            { RetryAfterSeconds = 1 };
        }
        logger.LogError(exception, "Unhandled error");
        return new(500, "INTERNAL_ERROR", "Internal Server Error", "an unexpected error occurred; it has been logged");
    }

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T known) return known;
            if (e is AggregateException { InnerExceptions.Count: 1 } agg && agg.InnerExceptions[0] is T inner) return inner;
        }
        return null;
    }
}

/// <summary>
/// A JSON response written with the API's own serializer options, so the Functions host and the local host
/// produce byte-identical bodies without depending on MVC's formatters.
/// </summary>
public sealed class ApiJsonResult(int status, object? body, string contentType = "application/json") : IActionResult
{
    private const string JsonType = "application/json", JsonTypeUtf8 = JsonType + "; charset=utf-8";
    private Dictionary<string, string>? _headers;
    private byte[]? _serialized;

    /// <summary>An answer already serialized (with the API's options): its bytes are written as they are.</summary>
    public static ApiJsonResult Serialized(int status, byte[] json) => new(status, null) { _serialized = json };

    public int Status { get; } = status;
    public object? Body { get; } = body;

    /// <summary>Headers to send with the answer (made on first use: most answers have none).</summary>
    public Dictionary<string, string> Headers => _headers ??= new(StringComparer.OrdinalIgnoreCase);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = Status;
        if (_headers is not null) foreach (var (name, value) in _headers) response.Headers[name] = value;
        if (Body is null && _serialized is null) return;
        response.ContentType = contentType == JsonType ? JsonTypeUtf8 : contentType + "; charset=utf-8";
        // One buffer with a Content-Length: no chunked framing, one write, and keep-alive for HTTP/1.0 clients too. The buffer is
        // this thread's, reused: the bytes are copied into the response's pipe before anything is awaited.
        ReadOnlySpan<byte> bytes = _serialized ?? SerializeToThreadBuffer(Body!).WrittenSpan;
        response.ContentLength = bytes.Length;
        System.Buffers.BuffersExtensions.Write(response.BodyWriter, bytes);
        await response.BodyWriter.FlushAsync(context.HttpContext.RequestAborted);
    }

    [ThreadStatic] private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static System.Text.Json.Utf8JsonWriter? t_writer;

    /// <summary>What the serializer's own writer would write for <see cref="Json.Options"/>: same encoder, not indented.</summary>
    private static readonly System.Text.Json.JsonWriterOptions WriterOptions = new()
    {
        Encoder = Json.Options.Encoder,
        Indented = Json.Options.WriteIndented,
        SkipValidation = true,
    };

    /// <summary>Serializes <paramref name="body"/> into this thread's buffer (one kept per thread, up to 64 KiB) and returns it.</summary>
    internal static System.Buffers.ArrayBufferWriter<byte> SerializeToThreadBuffer(object body)
    {
        var buffer = t_buffer is { Capacity: <= 64 * 1024 } kept ? kept : t_buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new System.Text.Json.Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        System.Text.Json.JsonSerializer.Serialize(writer, body, body.GetType(), Json.Options);
        writer.Flush();
        return buffer;
    }
}

/// <summary>A response with a status and no body (e.g. 204).</summary>
public sealed class StatusOnlyResult(int status) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        context.HttpContext.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
