using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Licensing.Management;
using Spectre.Console;
using Spectre.Console.Cli;
using License = Licensing.Management.License;

namespace Licensing.Cli.Commands;

public sealed class LicenseCreateSettings : ApiSettings
{
    [CommandOption("-p|--product <PRODUCT_ID>")] public string? ProductId { get; set; }
    [CommandOption("--plan <PLAN>")] public string? Plan { get; set; }
    [CommandOption("-e|--email <EMAIL>")][Description("The customer's e-mail address.")] public string? Email { get; set; }
    [CommandOption("-d|--domain <DOMAIN>")][Description("A site to activate at issuance (repeatable).")] public string[] Domains { get; set; } = [];
    [CommandOption("--expires <DATE>")][Description("Expiry (RFC 3339 or yyyy-MM-dd); default: the plan's duration.")] public string? Expires { get; set; }
    [CommandOption("--max-activations <N>")] public int? MaxActivations { get; set; }
    [CommandOption("--meta <KEY=VALUE>")][Description("Metadata (repeatable), e.g. --meta orderId=A-1.")] public string[] Metadata { get; set; } = [];
    [CommandOption("--idempotency-key <KEY>")][Description("Retry-safe: the same key and body never issue twice.")] public string? IdempotencyKey { get; set; }
}

public sealed class LicenseCreateCommand(CliEnvironment env) : ApiCommand<LicenseCreateSettings>(env)
{
    protected override async Task<int> RunAsync(LicenseCreateSettings s, CancellationToken ct)
    {
        var request = new IssueLicenseRequest
        {
            ProductId = s.ProductId ?? throw new UsageException("--product is required"),
            Plan = s.Plan ?? throw new UsageException("--plan is required"),
            CustomerEmail = s.Email ?? throw new UsageException("--email is required"),
            Domains = s.Domains.Length == 0 ? null : s.Domains,
            ExpiresAt = LicenseOutput.ParseDate(s.Expires, "--expires"),
            MaxActivations = s.MaxActivations,
            Metadata = LicenseOutput.ParseMetadata(s.Metadata),
        };
        using var client = Client(s);
        var license = await client.IssueLicenseAsync(request, s.IdempotencyKey, ct);
        if (s.Json) WriteJson(license);
        else LicenseOutput.Show(Console, license);
        return ExitCodes.Ok;
    }
}

public sealed class LicenseListSettings : ApiSettings
{
    [CommandOption("-p|--product <PRODUCT_ID>")] public string? ProductId { get; set; }
    [CommandOption("-e|--email <EMAIL>")] public string? Email { get; set; }
    [CommandOption("-s|--status <STATUS>")][Description("active, suspended, revoked or expired.")] public string? Status { get; set; }
    [CommandOption("-n|--limit <N>")][Description("At most this many (default 50; 0 = all).")] public int Limit { get; set; } = 50;
}

public sealed class LicenseListCommand(CliEnvironment env) : ApiCommand<LicenseListSettings>(env)
{
    protected override async Task<int> RunAsync(LicenseListSettings s, CancellationToken ct)
    {
        using var client = Client(s);
        var items = new List<License>();
        await foreach (var license in client.AllLicensesAsync(new LicenseFilter(s.ProductId, s.Email, s.Status), ct))
        {
            items.Add(license);
            if (s.Limit > 0 && items.Count >= s.Limit) break;
        }
        if (s.Json) { WriteJson(items); return ExitCodes.Ok; }
        var table = new Table().AddColumns("license", "product", "plan", "status", "customer", "activations", "expires");
        foreach (var l in items)
            table.AddRow(l.LicenseId, Markup.Escape(l.ProductId), Markup.Escape(l.Plan), LicenseOutput.Status(l.Status), Markup.Escape(l.CustomerEmail ?? ""),
                $"{l.ActivationsUsed ?? l.Domains.Count}/{l.MaxActivations?.ToString(CultureInfo.InvariantCulture) ?? "∞"}", LicenseOutput.Date(l.ExpiresAt));
        Console.Write(table);
        Console.MarkupLine($"[grey]{items.Count} license(s)[/]");
        return ExitCodes.Ok;
    }
}

public class LicenseIdSettings : ApiSettings
{
    [CommandArgument(0, "<licenseId>")] public string LicenseId { get; set; } = "";
}

public sealed class LicenseShowCommand(CliEnvironment env) : ApiCommand<LicenseIdSettings>(env)
{
    protected override async Task<int> RunAsync(LicenseIdSettings s, CancellationToken ct)
    {
        using var client = Client(s);
        var license = await client.GetLicenseAsync(s.LicenseId, ct);
        if (s.Json) WriteJson(license);
        else LicenseOutput.Show(Console, license);
        return ExitCodes.Ok;
    }
}

/// <summary>suspend, reinstate and revoke: the same call with another verb.</summary>
public abstract class LicenseVerbCommand(CliEnvironment env, string verb) : ApiCommand<LicenseIdSettings>(env)
{
    protected override async Task<int> RunAsync(LicenseIdSettings s, CancellationToken ct)
    {
        using var client = Client(s);
        var license = await client.ChangeStatusAsync(s.LicenseId, verb, ct);
        if (s.Json) WriteJson(license);
        else Console.MarkupLine($"{license.LicenseId}: {LicenseOutput.Status(license.Status)}");
        return ExitCodes.Ok;
    }
}

public sealed class LicenseSuspendCommand(CliEnvironment env) : LicenseVerbCommand(env, "suspend");
public sealed class LicenseReinstateCommand(CliEnvironment env) : LicenseVerbCommand(env, "reinstate");
public sealed class LicenseRevokeCommand(CliEnvironment env) : LicenseVerbCommand(env, "revoke");

public sealed class LicenseRenewSettings : LicenseIdSettings
{
    [CommandOption("--expires <DATE>")][Description("The new expiry (RFC 3339 or yyyy-MM-dd).")] public string? Expires { get; set; }
}

public sealed class LicenseRenewCommand(CliEnvironment env) : ApiCommand<LicenseRenewSettings>(env)
{
    protected override async Task<int> RunAsync(LicenseRenewSettings s, CancellationToken ct)
    {
        var expires = LicenseOutput.ParseDate(s.Expires, "--expires") ?? throw new UsageException("--expires is required");
        using var client = Client(s);
        var license = await client.RenewAsync(s.LicenseId, expires, ct);
        if (s.Json) WriteJson(license);
        else Console.MarkupLine($"{license.LicenseId}: {LicenseOutput.Status(license.Status)} until {LicenseOutput.Date(license.ExpiresAt)}");
        return ExitCodes.Ok;
    }
}

public sealed class LicenseEditSettings : LicenseIdSettings
{
    [CommandOption("-e|--email <EMAIL>")][Description("Transfer the license to this customer.")] public string? Email { get; set; }
    [CommandOption("--plan <PLAN>")] public string? Plan { get; set; }
    [CommandOption("--features <LIST>")][Description("Comma-separated; replaces the features.")] public string? Features { get; set; }
    [CommandOption("--max-activations <N>")][Description("A number, or 'unlimited'.")] public string? MaxActivations { get; set; }
    [CommandOption("--expires <DATE>")][Description("RFC 3339, yyyy-MM-dd, or 'never'.")] public string? Expires { get; set; }
    [CommandOption("--meta <KEY=VALUE>")][Description("Metadata to set (repeatable); replaces the metadata.")] public string[] Metadata { get; set; } = [];
}

public sealed class LicenseEditCommand(CliEnvironment env) : ApiCommand<LicenseEditSettings>(env)
{
    protected override async Task<int> RunAsync(LicenseEditSettings s, CancellationToken ct)
    {
        var changes = new JsonObject();
        if (s.Email is not null) changes["customerEmail"] = s.Email;
        if (s.Plan is not null) changes["plan"] = s.Plan;
        if (s.Features is not null)
            changes["features"] = new JsonArray(s.Features.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(f => (JsonNode?)f).ToArray());
        if (s.MaxActivations is not null)
            changes["maxActivations"] = s.MaxActivations == "unlimited" ? null
                : int.TryParse(s.MaxActivations, CultureInfo.InvariantCulture, out var n) ? n
                : throw new UsageException("--max-activations: a number or 'unlimited'");
        if (s.Expires is not null)
            changes["expiresAt"] = s.Expires == "never" ? null : LicenseOutput.ParseDate(s.Expires, "--expires")!.Value.ToString("O");
        if (s.Metadata.Length > 0)
            changes["metadata"] = new JsonObject(LicenseOutput.ParseMetadata(s.Metadata)!.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        if (changes.Count == 0)
            throw new UsageException("nothing to change: give at least one of --email, --plan, --features, --max-activations, --expires, --meta");
        using var client = Client(s);
        var license = await client.EditAsync(s.LicenseId, changes, ct);
        if (s.Json) WriteJson(license);
        else LicenseOutput.Show(Console, license);
        return ExitCodes.Ok;
    }
}
