using System.Globalization;
using Licensing.Management;
using Spectre.Console;

namespace Licensing.Cli.Commands;

/// <summary>How licenses read in a terminal, and the parsing of the options they share.</summary>
internal static class LicenseOutput
{
    public static string Status(string status) => status switch
    {
        "active" => "[green]active[/]",
        "suspended" => "[yellow]suspended[/]",
        "revoked" => "[red]revoked[/]",
        "expired" => "[grey]expired[/]",
        _ => Markup.Escape(status),
    };

    public static string Date(DateTimeOffset? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "never";

    public static void Show(IAnsiConsole console, License l)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow($"[grey]{name}[/]", value);
        Row("license", l.LicenseId);
        if (l.LicenseKey is not null) Row("key", Markup.Escape(l.LicenseKey));
        Row("product / plan", Markup.Escape($"{l.ProductId} / {l.Plan}"));
        Row("status", Status(l.Status) + (l.StatusReason is null ? "" : Markup.Escape($" ({l.StatusReason})")));
        Row("customer", Markup.Escape(l.CustomerEmail ?? ""));
        Row("features", Markup.Escape(string.Join(", ", l.Features)));
        Row("activations", $"{l.ActivationsUsed ?? l.Domains.Count} of {l.MaxActivations?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}");
        foreach (var a in l.Activations ?? []) Row("", Markup.Escape($"{a.Domain ?? a.Fingerprint} ({a.Id}, {a.CreatedAt:yyyy-MM-dd})"));
        Row("expires", Date(l.ExpiresAt));
        Row("created", Date(l.CreatedAt));
        foreach (var (k, v) in l.Metadata ?? new Dictionary<string, string>()) Row("meta " + Markup.Escape(k), Markup.Escape(v));
        console.Write(grid);
    }

    public static DateTimeOffset? ParseDate(string? value, string option)
    {
        if (value is null) return null;
        const DateTimeStyles utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, utc, out var at)) return at;
        throw new UsageException($"{option}: not a date (use 2027-01-31 or 2027-01-31T00:00:00Z)");
    }

    public static Dictionary<string, string>? ParseMetadata(string[] pairs)
    {
        if (pairs.Length == 0) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw new UsageException($"--meta {pair}: use KEY=VALUE");
            result[pair[..eq]] = pair[(eq + 1)..];
        }
        return result;
    }
}
