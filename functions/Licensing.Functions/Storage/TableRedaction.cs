using System.Text;
using Azure.Data.Tables;
using Licensing.Domain.Common;

namespace Licensing.Functions.Storage;

/// <summary>
/// Erasure inside stored text: every occurrence of a value (in any case) in the string properties (and the UTF-8 binary
/// ones: raw bodies) of one partition's
/// rows becomes <see cref="Erased"/>, chunked text (<see cref="ChunkedText"/>) read and rewritten whole so a value split
/// across two chunks is found. Each row is replaced only if unchanged since read (re-read and redone otherwise), so a
/// concurrent write is never overwritten with stale data. For occasional requests: it reads the whole partition.
/// </summary>
public static class TableRedaction
{
    public const string Erased = "[erased]";

    /// <summary>Redacts <paramref name="value"/> in the partition; returns how many rows changed.</summary>
    public static async Task<int> RedactPartitionAsync(this TableClient table, string partitionKey, string value, CancellationToken ct,
        params string[] chunked)
    {
        var changed = 0;
        await foreach (var read in table.ScanAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), 1000, ct))
        {
            var row = read;
            for (var attempt = 0; row is not null && Redact(row, value, chunked); attempt++)
            {
                try
                {
                    await table.ReplaceIfMatchAsync(row, row.ETag.ToString(), "a row changed while it was redacted", ct);
                    changed++;
                    break;
                }
                catch (ConcurrencyException) when (attempt < 8)
                {
                    row = await table.GetIfExistsAsync(read.PartitionKey, read.RowKey, ct);
                }
            }
        }
        return changed;
    }

    private static bool Redact(TableEntity row, string value, string[] chunked)
    {
        var hit = false;
        foreach (var name in chunked)
        {
            if (ChunkedText.Read(row, name) is not { } text || !text.Contains(value, StringComparison.OrdinalIgnoreCase)) continue;
            var chunks = 1;
            while (row.ContainsKey(name + chunks)) row.Remove(name + chunks++);
            ChunkedText.Write(row, name, name, text.Replace(value, Erased, StringComparison.OrdinalIgnoreCase), chunks + 1);
            hit = true;
        }
        foreach (var (key, v) in row.ToList())
        {
            if (chunked.Any(c => key.StartsWith(c, StringComparison.Ordinal))) continue;
            if (v is string s && s.Contains(value, StringComparison.OrdinalIgnoreCase))
            {
                row[key] = s.Replace(value, Erased, StringComparison.OrdinalIgnoreCase);
                hit = true;
            }
            else if (v is byte[] bytes && Utf8(bytes) is { } text && text.Contains(value, StringComparison.OrdinalIgnoreCase))
            {
                row[key] = Encoding.UTF8.GetBytes(text.Replace(value, Erased, StringComparison.OrdinalIgnoreCase)); // a raw body kept as bytes
                hit = true;
            }
        }
        return hit;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>The bytes as text when they are valid UTF-8 (a stored body), else null (an index, a hash: left alone).</summary>
    private static string? Utf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
