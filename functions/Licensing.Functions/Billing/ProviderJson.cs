using System.Text.Json;

namespace Licensing.Functions.Billing;

/// <summary>
/// Reads a provider's JSON field by field with System.Text.Json, so events of any API version are understood: a
/// missing step, or a value of another kind, is null.
/// </summary>
internal static class ProviderJson
{
    public static string? Str(JsonElement e, params string[] path) =>
        At(e, path) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    public static long? Long(JsonElement e, params string[] path) =>
        At(e, path) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

    public static bool IsTrue(JsonElement e, params string[] path) => At(e, path) is { ValueKind: JsonValueKind.True };

    public static bool IsFalse(JsonElement e, params string[] path) => At(e, path) is { ValueKind: JsonValueKind.False };

    public static DateTimeOffset? Time(JsonElement e, params string[] path) => Long(e, path) is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <summary>An RFC 3339 / ISO 8601 timestamp string (Lemon Squeezy, Paddle).</summary>
    public static DateTimeOffset? Instant(JsonElement e, params string[] path) => Instant(Str(e, path));

    /// <summary>An RFC 3339 / ISO 8601 timestamp (Lemon Squeezy, Paddle, Gumroad), in UTC; null when absent or not one.</summary>
    public static DateTimeOffset? Instant(string? text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime() : null;

    /// <summary>An id that a provider sends as a number or a string, as a string.</summary>
    public static string? IdText(JsonElement e, params string[] path) =>
        At(e, path) switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
            _ => null,
        };

    /// <summary>The elements of an array at a path (a Stripe list's data); empty when absent or null.</summary>
    public static JsonElement[] Items(JsonElement e, params string[] path) => ItemsOrNull(e, path) ?? [];

    /// <summary>The elements of an array at a path, or null when absent or null (an unexpanded list).</summary>
    public static JsonElement[]? ItemsOrNull(JsonElement e, params string[] path) =>
        At(e, path) is { ValueKind: JsonValueKind.Array } a ? [.. a.EnumerateArray()] : null;

    /// <summary>An expandable field: the id string, or the expanded object's id.</summary>
    public static string? IdOf(JsonElement e, string field) =>
        At(e, [field]) switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Object } o => Str(o, "id"),
            _ => null,
        };

    /// <summary>The latest of the times at <paramref name="path"/> in each element (and <paramref name="start"/>).</summary>
    public static DateTimeOffset? Latest(IEnumerable<JsonElement> elements, DateTimeOffset? start, params string[] path)
    {
        var latest = start;
        foreach (var element in elements)
            if (Time(element, path) is { } t && (latest is null || t > latest)) latest = t;
        return latest;
    }

    /// <summary>The element at a path, or an undefined element (every read of which is null) when absent.</summary>
    public static JsonElement Element(JsonElement e, params string[] path) => At(e, path) ?? default;

    private static JsonElement? At(JsonElement e, string[] path)
    {
        foreach (var step in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(step, out e)) return null;
        }
        return e;
    }
}
