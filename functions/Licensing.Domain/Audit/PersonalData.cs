using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Licensing.Domain.Audit;

/// <summary>
/// How a change record loses personal data (pure): the customer's e-mail, metadata values and activation names become
/// <see cref="Erased"/>; on records of other licenses only values that contain the erased address are touched.
/// </summary>
public static class PersonalData
{
    public const string Erased = "[erased]";

    private static readonly Regex AddressShape = new(@"[^\s<>()\[\],;:""']+@[^\s<>()\[\],;:""']+",
        RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// Text from outside (a mail server's error, which may quote the recipient) with anything shaped like an e-mail
    /// address replaced by <c>[address]</c>, so it can be logged and kept.
    /// </summary>
    public static string ScrubAddresses(string text) => text.Contains('@') ? AddressShape.Replace(text, "[address]") : text;

    /// <summary>The record without personal data; the same instance when there was none.</summary>
    /// <param name="wholly">The record concerns an erased license: every personal field goes, whatever its value.</param>
    public static ChangeRecord Redact(ChangeRecord record, string? email, bool wholly)
    {
        if (record.Changes is null) return record;
        var changed = false;
        var result = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        foreach (var (field, change) in record.Changes)
        {
            var personal = wholly && (field == "customerEmail" || field.StartsWith("metadata.", StringComparison.Ordinal));
            var from = Clean(change.From, email, personal, wholly);
            var to = Clean(change.To, email, personal, wholly);
            changed |= !ReferenceEquals(from, change.From) || !ReferenceEquals(to, change.To);
            result[field] = ReferenceEquals(from, change.From) && ReferenceEquals(to, change.To) ? change : new FieldChange(from, to);
        }
        return changed ? record with { Changes = result } : record;
    }

    /// <summary>Whether the record mentions <paramref name="email"/> anywhere (case-insensitive).</summary>
    public static bool Mentions(ChangeRecord record, string email) =>
        record.Changes?.Values.Any(c => Contains(c.From, email) || Contains(c.To, email)) == true
        || record.Actor.Id?.Contains(email, StringComparison.OrdinalIgnoreCase) == true;

    private static bool Contains(JsonNode? node, string email) => node?.ToJsonString().Contains(email, StringComparison.OrdinalIgnoreCase) == true
        || (node is JsonValue v && v.TryGetValue<string>(out var s) && s.Contains(email, StringComparison.OrdinalIgnoreCase));

    private static JsonNode? Clean(JsonNode? node, string? email, bool personal, bool wholly)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue when personal:
                return JsonValue.Create(Erased);
            case JsonValue v when email is not null && v.TryGetValue<string>(out var s) && s.Contains(email, StringComparison.OrdinalIgnoreCase):
                return JsonValue.Create(Erased);
            case JsonObject o:
                {
                    var copy = new JsonObject();
                    var changed = false;
                    foreach (var (k, child) in o)
                    {
                        var cleaned = Clean(child, email, personal || (wholly && k == "name" && child is not null), wholly);
                        changed |= !ReferenceEquals(cleaned, child);
                        copy[k] = ReferenceEquals(cleaned, child) ? child?.DeepClone() : cleaned;
                    }
                    return changed ? copy : node;
                }
            case JsonArray a:
                {
                    var items = a.Select(i => Clean(i, email, personal, wholly)).ToList();
                    if (!items.Where((i, n) => !ReferenceEquals(i, a[n])).Any()) return node;
                    return new JsonArray([.. items.Select((i, n) => ReferenceEquals(i, a[n]) ? i?.DeepClone() : i)]);
                }
            default:
                return node;
        }
    }
}
