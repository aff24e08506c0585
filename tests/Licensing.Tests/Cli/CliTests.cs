using System.Net;
using Licensing.Cli;
using Licensing.Tests.Support;

namespace Licensing.Tests.Cli;

/// <summary>The `licensing` command line against the local host: what a founder in a terminal does.</summary>
public sealed class CliTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private TestHost Host => shared.Host;

    [Fact]
    public async Task Login_with_an_api_key_saves_it_readable_by_the_user_only_and_later_commands_use_it()
    {
        var (accountId, apiKey) = await Host.CreateAccountAsync();
        using var cli = new CliRunner(Host.BaseAddress);
        cli.Variables.Remove("LICENSING_API_KEY");

        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("licenses", "list")).ExitCode);
        Assert.Equal(ExitCodes.NotSignedIn, (await cli.RunAsync("login", "--api-key", "lsk_not-a-real-key")).ExitCode);

        var login = (await cli.RunAsync("login", "--api-key", apiKey, "--json")).Ok();
        Assert.Equal(accountId, login.Json.GetProperty("accountId").GetString());
        var file = Path.Combine(cli.ConfigDirectory, "config.json");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains(apiKey, File.ReadAllText(file), StringComparison.Ordinal);

        (await cli.RunAsync("products", "list", "--json")).Ok();
        (await cli.RunAsync("logout")).Ok();
        Assert.False(File.Exists(file));
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("products", "list")).ExitCode);
    }

    [Fact]
    public async Task Products_apply_from_yaml_then_list_and_show()
    {
        var (_, apiKey) = await Host.CreateAccountAsync();
        using var cli = new CliRunner(Host.BaseAddress, apiKey);
        var yaml = Path.Combine(cli.ConfigDirectory, "desk-app.yaml");
        await File.WriteAllTextAsync(yaml, """
            productId: desk-app
            name: Desk App
            plans:
              - id: solo
                name: Solo
                model: subscription
                durationDays: 365
                maxActivations: 2
                features: [sync, export]
              - id: forever
                name: Forever
                model: perpetual
                maxActivations: null
                features: [sync]
            """);

        Assert.Contains("Created", (await cli.RunAsync("products", "apply", yaml)).Ok().Out, StringComparison.Ordinal);
        Assert.Contains("Updated", (await cli.RunAsync("products", "apply", yaml)).Ok().Out, StringComparison.Ordinal);
        var list = (await cli.RunAsync("products", "list", "--json")).Ok().Json;
        Assert.Equal("desk-app", Assert.Single(list.EnumerateArray()).GetProperty("productId").GetString());
        var show = (await cli.RunAsync("products", "show", "desk-app", "--json")).Ok().Json;
        Assert.Equal(2, show.GetProperty("plans")[0].GetProperty("maxActivations").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, show.GetProperty("plans")[1].GetProperty("maxActivations").ValueKind);

        var broken = Path.Combine(cli.ConfigDirectory, "broken.yaml");
        await File.WriteAllTextAsync(broken, "productId: x\nplans: [ {id: pro, model: nonsense} ]\nname: X\n");
        var refused = await cli.RunAsync("products", "apply", broken);
        Assert.Equal(ExitCodes.Invalid, refused.ExitCode);
        Assert.Contains("VALIDATION_FAILED", refused.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Licenses_create_list_show_and_change_status_with_meaningful_exit_codes()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        using var cli = new CliRunner(Host.BaseAddress, apiKey);
        var created = (await cli.RunAsync("licenses", "create", "--product", "my-plugin", "--plan", "pro", "--email", "ada@example.com",
            "--domain", "ada.example", "--meta", "orderId=A-1", "--json")).Ok().Json;
        var id = created.GetProperty("licenseId").GetString()!;
        Assert.Equal("A-1", created.GetProperty("metadata").GetProperty("orderId").GetString());

        var listed = (await cli.RunAsync("licenses", "list", "--email", "ada@example.com", "--json")).Ok().Json;
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("licenseId").GetString());
        Assert.Contains(id, (await cli.RunAsync("licenses", "list")).Ok().Out, StringComparison.Ordinal);
        Assert.Contains("ada.example", (await cli.RunAsync("licenses", "show", id)).Ok().Out, StringComparison.Ordinal);

        Assert.Equal("suspended", (await cli.RunAsync("licenses", "suspend", id, "--json")).Ok().Json.GetProperty("status").GetString());
        Assert.Equal("active", (await cli.RunAsync("licenses", "reinstate", id, "--json")).Ok().Json.GetProperty("status").GetString());
        var renewed = (await cli.RunAsync("licenses", "renew", id, "--expires", "2031-01-31", "--json")).Ok().Json;
        Assert.StartsWith("2031-01-31", renewed.GetProperty("expiresAt").GetString(), StringComparison.Ordinal);
        Assert.Equal("revoked", (await cli.RunAsync("licenses", "revoke", id, "--json")).Ok().Json.GetProperty("status").GetString());

        var conflict = await cli.RunAsync("licenses", "renew", id, "--expires", "2032-01-31");
        Assert.Equal(ExitCodes.Conflict, conflict.ExitCode);
        Assert.Contains("revoked", conflict.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, (await cli.RunAsync("licenses", "show", "lic_000000000000000000000000")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("licenses", "renew", id, "--expires", "next tuesday")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("licenses", "create", "--product", "my-plugin")).ExitCode);
    }

    [Fact]
    public async Task Export_writes_every_license_as_csv_and_codes_generate_writes_the_codes_once()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        using var cli = new CliRunner(Host.BaseAddress, apiKey);
        for (var i = 0; i < 3; i++)
            (await cli.RunAsync("licenses", "create", "--product", "my-plugin", "--plan", "pro", "--email", $"c{i}@example.com")).Ok();
        var csv = (await cli.RunAsync("export", "--product", "my-plugin")).Ok().Out;
        var rows = Licensing.Cli.Import.Csv.Read(new StringReader(csv)).ToArray();
        Assert.Equal(4, rows.Length);
        Assert.Equal(Licensing.Cli.Commands.ExportCommand.Columns, rows[0].Fields);
        Assert.All(rows.Skip(1), r => Assert.StartsWith("LK1.", r.Fields[1], StringComparison.Ordinal));

        var codes = (await cli.RunAsync("codes", "generate", "--product", "my-plugin", "--plan", "lifetime", "--count", "25")).Ok();
        var codeRows = Licensing.Cli.Import.Csv.Read(new StringReader(codes.Out)).Skip(1).ToArray();
        Assert.Equal(25, codeRows.Length);
        Assert.Equal(25, codeRows.Select(r => r.Fields[0]).Distinct().Count());
        Assert.Contains("shown only once", codes.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_keys_and_failures_answer_for_scripts_and_people()
    {
        var apiKey = await Host.CreateAccountWithProductAsync();
        using var cli = new CliRunner(Host.BaseAddress, apiKey);
        var metrics = (await cli.RunAsync("metrics", "--json")).Ok().Json.GetProperty("metrics");
        Assert.Equal(["validationSuccessRate", "activeRatio", "domainToLicenseRatio", "renewalRate", "timeToFirstValidationHours"],
            metrics.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Contains("Validation success", (await cli.RunAsync("metrics")).Ok().Out, StringComparison.Ordinal);

        var jwks = (await cli.RunAsync("keys", "--json")).Ok().Json;
        Assert.Equal((await Host.GetAsync("v1/keys")).Json.GetProperty("keys").GetArrayLength(), jwks.GetProperty("keys").GetArrayLength());
        Assert.Contains("root (pin this)", (await cli.RunAsync("keys")).Ok().Out, StringComparison.Ordinal);

        Assert.Contains("No failed events", (await cli.RunAsync("webhooks", "failures")).Ok().Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, (await cli.RunAsync("webhooks", "replay", "evt_unknown")).ExitCode);
    }

    [Fact]
    public async Task Help_teaches_with_examples()
    {
        using var cli = new CliRunner(Host.BaseAddress);
        var help = (await cli.RunAsync("import", "--help")).Ok().Out;
        Assert.Contains("--from", help, StringComparison.Ordinal);
        Assert.Contains("licensing import licenses.csv --from edd", help, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Host.GetAsync("v1/health")).Status);
    }
}
