using System.ComponentModel;
using System.Text.Json;
using Licensing.Management;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Licensing.Cli;

/// <summary>Options every command that calls the API takes.</summary>
public class ApiSettings : CommandSettings
{
    [CommandOption("--json")]
    [Description("Print JSON for scripts instead of tables.")]
    public bool Json { get; set; }

    [CommandOption("--url <URL>")]
    [Description("The API base URL (default: the saved login, else $LICENSING_URL, else http://127.0.0.1:7071/api/).")]
    public string? Url { get; set; }

    [CommandOption("--api-key <KEY>")]
    [Description("An account API key for this call only (default: the saved login, else $LICENSING_API_KEY).")]
    public string? ApiKey { get; set; }
}

/// <summary>Thrown for input the command line itself refuses (exit code 2), with words for the person typing.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A command that calls the account API: resolves the login, runs, and turns failures into a message on stderr and an
/// exit code that means something (<see cref="ExitCodes"/>).
/// </summary>
public abstract class ApiCommand<TSettings>(CliEnvironment env) : AsyncCommand<TSettings> where TSettings : ApiSettings
{
    protected CliEnvironment Env { get; } = env;

    protected static readonly JsonSerializerOptions JsonOut = new(ApiJson.Options) { WriteIndented = true };

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken);
        }
        catch (UsageException e)
        {
            Env.Err.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (ApiException e)
        {
            Env.Err.WriteLine($"error: {e.Detail} ({e.Code}, HTTP {e.Status})");
            foreach (var (field, messages) in e.Errors ?? new Dictionary<string, string[]>())
                Env.Err.WriteLine($"  {field}: {string.Join("; ", messages)}");
            if (e.Status == 401) Env.Err.WriteLine("hint: sign in with `licensing login`.");
            return ExitCodes.For(e);
        }
        catch (HttpRequestException e)
        {
            Env.Err.WriteLine($"error: cannot reach the API: {e.Message}");
            return ExitCodes.Unavailable;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Env.Err.WriteLine("error: the API did not answer in time");
            return ExitCodes.Unavailable;
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken ct);

    /// <summary>The client for this call: options first, then the environment, then the saved login.</summary>
    protected ManagementClient Client(TSettings settings, bool requireLogin = true)
    {
        var profile = Profile.Load(Env.ConfigDirectory);
        var url = settings.Url ?? Env.Variable("LICENSING_URL") ?? profile?.Url ?? Profile.DefaultUrl;
        var token = settings.ApiKey ?? Env.Variable("LICENSING_API_KEY") ?? profile?.Token;
        if (token is null && requireLogin) throw new UsageException("not signed in: run `licensing login` (or pass --api-key, or set LICENSING_API_KEY)");
        if (profile is { ExpiresAt: { } expires } && token == profile.Token && expires <= DateTimeOffset.UtcNow)
            throw new UsageException($"the saved session expired at {expires:u}: run `licensing login` again");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            throw new UsageException($"not an http(s) URL: {url}");
        return new ManagementClient(baseUrl, token, Env.Handler);
    }

    protected void WriteJson(object? value) => Env.Out.WriteLine(JsonSerializer.Serialize(value, JsonOut));

    protected IAnsiConsole Console => Env.Console;
}
