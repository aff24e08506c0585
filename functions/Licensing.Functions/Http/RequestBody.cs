using System.Buffers;
using System.Text.Json;
using Licensing.Domain.Common;
using Microsoft.AspNetCore.Http;

namespace Licensing.Functions.Http;

/// <summary>Reads request bodies under the contract's 64 KiB limit and turns JSON errors into the contract's codes.</summary>
public static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>The raw body (for signature checks and JSON parsing); 413 beyond <see cref="MaxBytes"/>.</summary>
    public static Task<byte[]> ReadRawAsync(HttpRequest request, CancellationToken ct) => ReadRawAsync(request, MaxBytes, ct);

    /// <summary>The raw body; 413 beyond <paramref name="maxBytes"/> (a route that takes larger bodies says so).</summary>
    public static async Task<byte[]> ReadRawAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        var (buffer, length) = await ReadIntoBufferAsync(request, maxBytes, ct);
        try
        {
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The body in a buffer from the shared pool (the caller returns it) at least one byte longer than the body, so a body past its
    /// Content-Length is seen, and its length.
    /// </summary>
    private static async ValueTask<(byte[] Buffer, int Length)> ReadIntoBufferAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes) throw TooLarge(maxBytes);
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
                }
                catch (BadHttpRequestException e)
                {
                    // The server's own verdict on the transport: the body ended before its Content-Length (400), or it
                    // stopped arriving (408, Kestrel's minimum data rate).
                    throw new RequestBodyException(e.StatusCode);
                }
                if (read == 0) return (buffer, length);
                length += read;
                if (length > maxBytes) throw TooLarge(maxBytes);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Parses the body as a JSON object into <typeparamref name="T"/>. Not JSON or not an object → INVALID_JSON;
    /// a field of the wrong type → VALIDATION_FAILED naming the field. Unknown fields are ignored.
    /// </summary>
    public static ValueTask<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken ct) where T : class => ReadJsonAsync<T>(request, MaxBytes, ct);

    /// <inheritdoc cref="ReadJsonAsync{T}(HttpRequest, CancellationToken)"/>
    public static async ValueTask<T> ReadJsonAsync<T>(HttpRequest request, int maxBytes, CancellationToken ct) where T : class
    {
        var (buffer, length) = await ReadIntoBufferAsync(request, maxBytes, ct);
        try
        {
            return Parse<T>(new ReadOnlySpan<byte>(buffer, 0, length)); // parsed where it was read: no copy
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T Parse<T>(ReadOnlySpan<byte> raw) where T : class
    {
        if (raw.IsEmpty) throw new InvalidJsonException("a JSON object body is required");
        // One pass over the bytes for a body that deserializes; only a refused body is read again, to tell broken JSON
        // anywhere in it (INVALID_JSON) from a field of the wrong type (VALIDATION_FAILED).
        try
        {
            return JsonSerializer.Deserialize<T>(raw, ReadOptions) ?? throw new InvalidJsonException("the body must be a JSON object");
        }
        catch (JsonException e)
        {
            CheckIsJsonObject(raw);
            throw ValidationFailedException.For(FieldName(e.Path), WrongType(e));
        }
    }

    /// <summary>The API's options, nesting limited to <see cref="MaxDepth"/> as for the syntax check.</summary>
    private static readonly JsonSerializerOptions ReadOptions = ReadOnly(new JsonSerializerOptions(Json.Options) { MaxDepth = MaxDepth });

    private const int MaxDepth = 32;

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly();
        return options;
    }

    /// <summary>INVALID_JSON unless the whole body is well-formed JSON (nested at most <see cref="MaxDepth"/> deep) with an object at its root.</summary>
    private static void CheckIsJsonObject(ReadOnlySpan<byte> raw)
    {
        var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = MaxDepth });
        var root = JsonTokenType.None;
        try
        {
            while (reader.Read())
                if (root == JsonTokenType.None) root = reader.TokenType;
        }
        catch (JsonException e)
        {
            throw new InvalidJsonException($"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        if (root != JsonTokenType.StartObject) throw new InvalidJsonException("the body must be a JSON object");
    }

    private static string WrongType(JsonException e) =>
        e.Message.StartsWith("must be", StringComparison.Ordinal) ? e.Message : "has the wrong type";

    /// <summary>"$.domains[0]" → "domains[0]".</summary>
    public static string FieldName(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "body" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
            : jsonPath.TrimStart('$');

    private static PayloadTooLargeException TooLarge(int maxBytes) => new($"request bodies are limited to {maxBytes / 1024} KiB");
}

/// <summary>A request body the transport could not deliver whole: 400 INCOMPLETE_BODY, or 408 REQUEST_TIMEOUT when it stalled.</summary>
public sealed class RequestBodyException(int status) : LicensingException($"the request body could not be read ({status})")
{
    public int Status { get; } = status;
}
