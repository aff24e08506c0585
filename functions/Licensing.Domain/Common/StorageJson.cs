using System.Text.Encodings.Web;
using System.Text.Json;

namespace Licensing.Domain.Common;

/// <summary>
/// The one JSON configuration for what is stored (never for what is served to a browser): nothing is escaped that
/// JSON itself does not require, so <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, <c>'</c>, <c>+</c> and non-ASCII text keep their size. JSON still
/// escapes <c>"</c> and <c>\</c> (2 characters), control characters and characters outside the Basic Multilingual
/// Plane (6 characters per UTF-16 unit): <see cref="StorageLimits"/> budgets with those worst cases.
/// </summary>
public static class StorageJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
