using System.ComponentModel;
using System.Web;
using Licensing.Management;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Licensing.Cli.Commands;

public sealed class LoginSettings : ApiSettings
{
    [CommandOption("--link <URL>")]
    [Description("The sign-in link from the e-mail (its token is exchanged for a session of up to 24 hours).")]
    public string? Link { get; set; }

    [CommandOption("--token <TOKEN>")]
    [Description("The one-time token of a sign-in link, without the rest of the link.")]
    public string? Token { get; set; }
}

/// <summary>Saves a login: an API key (checked with the API), or a session made from a sign-in link.</summary>
public sealed class LoginCommand(CliEnvironment env) : ApiCommand<LoginSettings>(env)
{
    protected override async Task<int> RunAsync(LoginSettings settings, CancellationToken ct)
    {
        var url = settings.Url ?? Env.Variable("LICENSING_URL") ?? Profile.Load(Env.ConfigDirectory)?.Url ?? Profile.DefaultUrl;
        var oneTime = settings.Token ?? TokenOf(settings.Link);
        Profile profile;
        if (oneTime is not null)
        {
            using var anonymous = new ManagementClient(new Uri(url), null, Env.Handler);
            var session = await anonymous.CreateSessionAsync(oneTime, ct);
            profile = new Profile(anonymous.BaseUrl.AbsoluteUri, session.SessionToken, "session", session.AccountId, session.ExpiresAt);
        }
        else
        {
            var key = settings.ApiKey ?? Env.Variable("LICENSING_API_KEY");
            if (key is null && Env.Interactive) key = Console.Prompt(new TextPrompt<string>("Account API key:").Secret());
            if (key is null) throw new UsageException("give --api-key <key>, --link <sign-in link> or --token <token>");
            using var client = new ManagementClient(new Uri(url), key, Env.Handler);
            var account = await client.GetAccountAsync(ct);
            profile = new Profile(client.BaseUrl.AbsoluteUri, key, "apiKey", account["accountId"]?.ToString(), null);
        }
        profile.Save(Env.ConfigDirectory);
        if (settings.Json) WriteJson(new { profile.Url, profile.AccountId, profile.Kind, profile.ExpiresAt, file = Profile.PathIn(Env.ConfigDirectory) });
        else
        {
            var with = profile.Kind == "session" ? $"a session until {profile.ExpiresAt:u}" : "an API key";
            var file = Profile.PathIn(Env.ConfigDirectory);
            Console.MarkupLineInterpolated($"Signed in to [bold]{profile.AccountId}[/] at {profile.Url} with {with}; saved in {file}.");
        }
        return ExitCodes.Ok;
    }

    private static string? TokenOf(string? link)
    {
        if (link is null) return null;
        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri)) throw new UsageException("--link must be the whole link from the e-mail");
        return HttpUtility.ParseQueryString(uri.Query)["token"] ?? throw new UsageException("the link has no token= part");
    }
}

public sealed class LogoutCommand(CliEnvironment env) : ApiCommand<ApiSettings>(env)
{
    protected override Task<int> RunAsync(ApiSettings settings, CancellationToken ct)
    {
        var removed = Profile.Delete(Env.ConfigDirectory);
        Env.Err.WriteLine(removed ? "Signed out: the saved login is deleted." : "No saved login.");
        return Task.FromResult(ExitCodes.Ok);
    }
}

/// <summary>The signing keys to pin into an app (the JWKS), with the root key ids the SDKs trust.</summary>
public sealed class KeysCommand(CliEnvironment env) : ApiCommand<ApiSettings>(env)
{
    protected override async Task<int> RunAsync(ApiSettings settings, CancellationToken ct)
    {
        using var client = Client(settings, requireLogin: false);
        var jwks = await client.GetJwksAsync(ct);
        if (settings.Json) { Env.Out.WriteLine(jwks); return ExitCodes.Ok; }
        var keys = System.Text.Json.Nodes.JsonNode.Parse(jwks)?["keys"]?.AsArray() ?? [];
        var table = new Table().AddColumns("kid", "kind", "alg");
        foreach (var key in keys)
            table.AddRow(Markup.Escape(key?["kid"]?.ToString() ?? ""), key?["dlg"] is null ? "root (pin this)" : "delegated (certificates)",
                Markup.Escape(key?["alg"]?.ToString() ?? ""));
        Console.Write(table);
        Console.WriteLine("Pin the whole JWKS into your app (`licensing keys --json > licensing-keys.json`): the SDKs trust only its root keys.");
        return ExitCodes.Ok;
    }
}
