using System.Text;
using Licensing.Management;

namespace Licensing.Dashboard.Services;

/// <summary>
/// A generated batch as CSV (RFC 4180: a header, CRLF line ends, fields quoted when they hold a comma, quote or line end),
/// and as the <c>data:</c> address a download link carries, so the codes never leave the browser but to the founder's disk.
/// </summary>
public static class CodeCsv
{
    public static string Of(CodeBatch batch)
    {
        var csv = new StringBuilder("code,productId,plan,batchId\r\n");
        foreach (var code in batch.Codes ?? [])
            csv.Append(string.Join(',', Field(code), Field(batch.ProductId), Field(batch.Plan), Field(batch.BatchId))).Append("\r\n");
        return csv.ToString();
    }

    public static string DataUrl(CodeBatch batch) => "data:text/csv;charset=utf-8," + Uri.EscapeDataString(Of(batch));

    public static string FileName(CodeBatch batch) => $"codes-{batch.ProductId}-{batch.Plan}-{batch.BatchId}.csv";

    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
