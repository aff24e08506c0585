using Licensing.Cli.Commands;
using Licensing.Cli.Import;

namespace Licensing.Tests.Cli;

/// <summary>Reading exports: RFC 4180 CSV, each source's columns and statuses, and the formula guard of CSV output.</summary>
public sealed class ImportMappingTests
{
    private static (int Line, string[] Fields)[] Read(string text) => Csv.Read(new StringReader(text)).ToArray();

    [Fact]
    public void Csv_reads_quotes_doubled_quotes_commas_and_line_breaks_inside_fields_and_counts_lines()
    {
        var rows = Read("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n");
        Assert.Equal(3, rows.Length);
        Assert.Equal(["x, y", "say \"hi\"", "two\nlines"], rows[1].Fields);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal(["last", "", ""], rows[2].Fields);
        Assert.Equal(5, rows[2].Line);
        Assert.Equal(["no", "newline"], Read("no,newline").Single().Fields);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("plain", "plain")]
    public void Csv_output_defuses_cells_a_spreadsheet_would_run(string cell, string expected) => Assert.Equal(expected, Csv.Line([cell]));

    [Fact]
    public void Csv_round_trips_what_it_writes()
    {
        string[] cells = ["a,b", "q\"uote", "multi\nline", "", "ok"];
        Assert.Equal(cells, Read(Csv.Line(cells)).Single().Fields);
    }

    [Fact]
    public void Edd_rows_map_statuses_unix_expiry_zero_limit_and_sites()
    {
        var mapper = new RowMapper(ImportSource.Edd, ["ID", "License Key", "Email", "Status", "Expiration", "Activation Limit", "Sites", "Price ID"],
            "pro", new Dictionary<string, string> { ["2"] = "agency" });
        Assert.Null(mapper.MissingColumns());
        var (item, error) = mapper.Map(["1", "abc123", "ada@example.com", "inactive", "1893456000", "0", "a.example, b.example", "2"]);
        Assert.Null(error);
        Assert.Equal("abc123", item!.Key);
        Assert.Equal("active", item.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1893456000), item.ExpiresAt);
        Assert.Null(item.MaxActivations);
        Assert.Equal(["a.example", "b.example"], item.Domains);
        Assert.Equal("agency", item.Plan);
        Assert.Equal("revoked", mapper.Map(["2", "k2", "b@example.com", "disabled", "lifetime", "3", "", "1"]).Item!.Status);
        Assert.Null(mapper.Map(["3", "k3", "c@example.com", "active", "lifetime", "5", "", "1"]).Item!.ExpiresAt);
        Assert.Contains("status", mapper.Map(["4", "k4", "d@example.com", "weird", "", "", "", ""]).Error, StringComparison.Ordinal);
        Assert.Contains("empty", mapper.Map(["5", "", "e@example.com", "active", "", "", "", ""]).Error, StringComparison.Ordinal);
        Assert.Contains("not a date", mapper.Map(["6", "k6", "f@example.com", "active", "soon", "", "", ""]).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Gumroad_refunds_revoke_disputes_suspend_and_an_unmapped_product_without_a_default_plan_is_a_row_error()
    {
        var mapper = new RowMapper(ImportSource.Gumroad, ["Purchase Email", "Product Name", "License Key", "Refunded?", "Disputed?"], null,
            new Dictionary<string, string> { ["Pro Plugin"] = "pro" });
        Assert.Equal("active", mapper.Map(["a@example.com", "Pro Plugin", "K-1", "false", "false"]).Item!.Status);
        Assert.Equal("revoked", mapper.Map(["a@example.com", "Pro Plugin", "K-2", "true", "false"]).Item!.Status);
        Assert.Equal("suspended", mapper.Map(["a@example.com", "Pro Plugin", "K-3", "false", "true"]).Item!.Status);
        Assert.Contains("--map \"Other=<plan>\"", mapper.Map(["a@example.com", "Other", "K-4", "false", "false"]).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Lemon_squeezy_freemius_and_keygen_columns_are_found_and_a_file_without_keys_is_refused_before_anything_is_sent()
    {
        var none = new Dictionary<string, string>();
        var ls = new RowMapper(ImportSource.LemonSqueezy, ["Key", "Status", "Customer Email", "Activation Limit", "Expires At", "Variant Name"], "pro", none);
        var item = ls.Map(["LS-KEY", "expired", "a@example.com", "5", "2030-01-01T00:00:00Z", "Pro"]).Item!;
        Assert.Equal(("expired", 5), (item.Status, item.MaxActivations));
        var fs = new RowMapper(ImportSource.Freemius, ["id", "secret_key", "user_email", "quota", "expiration", "is_cancelled"], "pro", none);
        Assert.Equal("revoked", fs.Map(["1", "sk_abc", "a@example.com", "3", "2030-01-01 00:00:00", "1"]).Item!.Status);
        var json = """
            {"data":[{"id":"l1","attributes":{"key":"KG-1","status":"SUSPENDED","expiry":null,"maxMachines":2},
              "relationships":{"policy":{"data":{"id":"pol1"}},"owner":{"data":{"type":"users","id":"u1"}}}}],
             "included":[{"type":"users","id":"u1","attributes":{"email":"kg@example.com"}}]}
            """;
        var kg = new RowMapper(ImportSource.Keygen, KeygenJson.Header, null, new Dictionary<string, string> { ["pol1"] = "pro" });
        var row = KeygenJson.Rows(json).Single();
        var keygen = kg.Map(row.Fields).Item!;
        Assert.Equal(("KG-1", "kg@example.com", "suspended", 2, "pro"), (keygen.Key, keygen.CustomerEmail, keygen.Status, keygen.MaxActivations, keygen.Plan));
        Assert.NotNull(new RowMapper(ImportSource.Edd, ["Email", "Status"], "pro", new Dictionary<string, string>()).MissingColumns());
    }

    [Fact]
    public void Sparklines_scale_between_the_lowest_and_highest_value_and_leave_gaps()
    {
        Assert.Equal("▁█ ▅", Sparkline.Of([0, 10, null, 5]));
        Assert.Equal("", Sparkline.Of([null, null]));
        Assert.Equal("▅▅", Sparkline.Of([3, 3]));
    }
}
