using System.Text;

namespace Licensing.Cli.Import;

/// <summary>RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes, CRLF or LF.</summary>
public static class Csv
{
    /// <summary>Records one at a time, with the line each starts on (for error reports), without reading the whole file.</summary>
    public static IEnumerable<(int Line, string[] Fields)> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, start = 1, c;
        bool quoted = false, any = false;
        while ((c = reader.Read()) != -1)
        {
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append((char)c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r' when reader.Peek() == '\n': break;
                case '\n' or '\r':
                    fields.Add(field.ToString());
                    field.Clear();
                    if (!(fields.Count == 1 && fields[0].Length == 0)) yield return (start, fields.ToArray());
                    fields.Clear();
                    line++;
                    start = line;
                    any = false;
                    break;
                default: field.Append((char)c); break;
            }
        }
        if (any)
        {
            fields.Add(field.ToString());
            if (!(fields.Count == 1 && fields[0].Length == 0)) yield return (start, fields.ToArray());
        }
    }

    /// <summary>
    /// One CSV line. A cell a spreadsheet would run as a formula (starting with = + - @ or a tab) gets a leading
    /// apostrophe: exported data holds customers' input.
    /// </summary>
    public static string Line(IEnumerable<string> cells) => string.Join(',', cells.Select(Cell));

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
