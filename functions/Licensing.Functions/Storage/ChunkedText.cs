using System.Text;
using Azure.Data.Tables;
using Licensing.Domain.Common;

namespace Licensing.Functions.Storage;

/// <summary>
/// Text longer than one string property (32 Ki characters) is stored in chunks of <see cref="StorageLimits.ChunkChars"/>:
/// <c>Name</c>, <c>Name1</c>, <c>Name2</c>, ... A field over its budget of chunks is refused (VALIDATION_FAILED naming the
/// field) before anything is written. A value stored as one property by older code reads the same.
/// </summary>
public static class ChunkedText
{
    public static void Write(TableEntity entity, string property, string field, string text, int maxChunks)
    {
        StorageLimits.Require(field, text, maxChunks);
        for (int i = 0, at = 0; at < text.Length || i == 0; i++, at += StorageLimits.ChunkChars)
            entity[i == 0 ? property : property + i] = text.Substring(at, Math.Min(StorageLimits.ChunkChars, text.Length - at));
    }

    /// <summary>The whole text, or null when the property is absent.</summary>
    public static string? Read(TableEntity entity, string property)
    {
        var first = entity.GetString(property);
        if (first is null) return null;
        var text = new StringBuilder(first);
        for (var i = 1; entity.GetString(property + i) is { } next; i++) text.Append(next);
        return text.ToString();
    }
}
