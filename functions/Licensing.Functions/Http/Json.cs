using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Licensing.Functions.Http;

/// <summary>The one JSON configuration of the API: camelCase, nulls written, strict numbers, RFC 3339 UTC timestamps.</summary>
public static class Json
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.Strict,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new Rfc3339Converter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(FormatOf(value), CultureInfo.InvariantCulture);

    /// <summary>Writes <see cref="Format"/>'s text as a JSON string value without making the string.</summary>
    public static void WriteTimestamp(Utf8JsonWriter writer, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[32];
        if (!value.UtcDateTime.TryFormat(text, out var written, FormatOf(value), CultureInfo.InvariantCulture))
            throw new InvalidOperationException("a timestamp did not fit its buffer"); // 24 bytes at most, years 1-9999
        writer.WriteStringValue(text[..written]);
    }

    private static string FormatOf(DateTimeOffset value) =>
        value.Millisecond == 0 && value.Microsecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>RFC 3339: a date, 'T', a time and an explicit offset ('Z' or ±hh:mm). Anything else is refused.</summary>
    public static bool TryParseTimestamp(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 20 || text.Length > 40 || (text[10] != 'T' && text[10] != 't')) return false;
        var last = text[^1];
        var hasOffset = last is 'Z' or 'z' || (text.Length > 6 && (text[^6] == '+' || text[^6] == '-') && text[^3] == ':');
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }

    private sealed class Rfc3339Converter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !TryParseTimestamp(reader.GetString(), out var value))
                throw new JsonException("must be an RFC 3339 timestamp such as 2027-01-31T00:00:00Z");
            return value;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => WriteTimestamp(writer, value);
    }
}
