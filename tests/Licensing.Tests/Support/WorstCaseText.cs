using System.Collections;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace Licensing.Tests.Support;

/// <summary>
/// Text made of the characters that storage JSON inflates most: characters outside the Basic Multilingual Plane
/// (a surrogate pair, escaped as 12 characters), quotes and backslashes (2), and <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>,
/// <c>'</c>, <c>+</c> and non-ASCII BMP characters (6 each with System.Text.Json's default encoder).
/// </summary>
public static class WorstCaseText
{
    private static readonly string[] Mixed = ["😀", "<", "\"", "\\", "é", "中", ">", "&", "'", "+"];

    /// <summary>Exactly <paramref name="units"/> UTF-16 units: <paramref name="prefix"/>, then the mixed characters over and over.</summary>
    public static string Of(int units, string prefix = "") => Fill(units, prefix, Mixed);

    /// <summary>Exactly <paramref name="units"/> UTF-16 units, mostly astral characters (the most a unit can cost once stored).</summary>
    public static string Astral(int units, string prefix = "") => Fill(units, prefix, ["😀", "𝄞", "🀄"]);

    private static string Fill(int units, string prefix, string[] pieces)
    {
        var text = new StringBuilder(prefix, units);
        for (var i = 0; text.Length < units; i++)
        {
            var piece = pieces[i % pieces.Length];
            text.Append(text.Length + piece.Length <= units ? piece : "<");
        }
        return text.ToString();
    }
}

/// <summary>
/// JSON request bodies that keep every character as raw UTF-8, as a client may send them (System.Text.Json escapes
/// characters outside the BMP as 12 bytes, which would make worst-case bodies 3× larger than they need to be).
/// </summary>
public static class RawJson
{
    public static string Of(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        IEnumerable<KeyValuePair<string, object?>> map => "{" + string.Join(",", map.Select(kv => Quote(kv.Key) + ":" + Of(kv.Value))) + "}",
        IEnumerable<KeyValuePair<string, string>> map => "{" + string.Join(",", map.Select(kv => Quote(kv.Key) + ":" + Quote(kv.Value))) + "}",
        IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Of)) + "]",
        _ => throw new ArgumentException($"unsupported {value.GetType()}"),
    };

    public static int Utf8Bytes(string json) => Encoding.UTF8.GetByteCount(json);

    private static string Quote(string s)
    {
        var text = new StringBuilder("\"", s.Length + 2);
        foreach (var c in s)
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return text.Append('"').ToString();
    }
}

/// <summary>
/// An entity's size as Azure Table storage counts it (Azurite does not enforce it): 4 bytes + 2 per key character +
/// per property 8 bytes + 2 per name character + the value (string: 4 + 2 per character; binary: 4 + length; ...).
/// </summary>
public static class EntitySize
{
    public const int MaxStringChars = 32 * 1024;
    public const int MaxBytes = 1024 * 1024;

    public static long Bytes(TableEntity e) =>
        4 + 2L * (e.PartitionKey.Length + e.RowKey.Length) +
        e.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag") && p.Value is not null)
            .Sum(p => 8 + 2L * p.Key.Length + p.Value switch
            {
                string s => 4 + 2L * s.Length,
                byte[] b => 4 + b.Length,
                BinaryData d => 4 + d.ToMemory().Length,
                bool => 1,
                int => 4,
                long or double or DateTime or DateTimeOffset => 8,
                Guid => 16,
                var other => throw new ArgumentException($"unsupported {other.GetType()}"),
            });

    /// <summary>Asserts the entity fits: at most 1 MiB, and no string property over 32 Ki characters.</summary>
    public static long AssertFits(TableEntity e)
    {
        var bytes = Bytes(e);
        Assert.True(bytes <= MaxBytes, $"{e.RowKey}: {bytes} bytes");
        foreach (var (name, value) in e)
            if (value is string s) Assert.True(s.Length <= MaxStringChars, $"{name}: {s.Length} characters");
        return bytes;
    }
}
