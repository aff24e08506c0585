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

    /// <summary>RFC 3339 in UTC: <c>yyyy-MM-ddTHH:mm:ssZ</c>, with <c>.fff</c> before the <c>Z</c> when there is a fraction of a second.</summary>
    public static string Format(DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[MaxTimestampLength];
        return System.Text.Encoding.ASCII.GetString(text[..FormatTimestamp(value, text)]);
    }

    /// <summary>Writes <see cref="Format"/>'s text as a JSON string value without making the string.</summary>
    public static void WriteTimestamp(Utf8JsonWriter writer, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[MaxTimestampLength];
        writer.WriteStringValue(text[..FormatTimestamp(value, text)]);
    }

    /// <summary>The most bytes <see cref="FormatTimestamp"/> writes: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public const int MaxTimestampLength = 24;

    /// <summary>
    /// <see cref="Format"/>'s text as UTF-8 into <paramref name="text"/> (at least <see cref="MaxTimestampLength"/> bytes), digit by
    /// digit: every answer carries timestamps, and the culture-aware custom format costs more than the rest of a small answer.
    /// </summary>
    public static int FormatTimestamp(DateTimeOffset value, Span<byte> text)
    {
        var utc = value.UtcDateTime;
        var (year, month, day) = utc;
        Digits(text[..4], year);
        text[4] = (byte)'-';
        Digits(text.Slice(5, 2), month);
        text[7] = (byte)'-';
        Digits(text.Slice(8, 2), day);
        text[10] = (byte)'T';
        Digits(text.Slice(11, 2), utc.Hour);
        text[13] = (byte)':';
        Digits(text.Slice(14, 2), utc.Minute);
        text[16] = (byte)':';
        Digits(text.Slice(17, 2), utc.Second);
        var length = 19;
        if (value.Millisecond != 0 || value.Microsecond != 0)
        {
            text[19] = (byte)'.';
            Digits(text.Slice(20, 3), utc.Millisecond);
            length = 23;
        }
        text[length] = (byte)'Z';
        return length + 1;
    }

    /// <summary>Writes <paramref name="value"/> in decimal, zero-padded to fill <paramref name="into"/>.</summary>
    private static void Digits(Span<byte> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (byte)('0' + value % 10);
    }

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
