using Spectre.Console;

namespace Licensing.Cli;

/// <summary>
/// What a run of the command line talks to: where results go (<see cref="Out"/>: tables, CSV or JSON), where progress
/// and messages go (<see cref="Err"/>), where the login is kept, the environment variables and, in tests, the HTTP handler.
/// </summary>
public sealed record CliEnvironment(
    TextWriter Out,
    TextWriter Err,
    string ConfigDirectory,
    IReadOnlyDictionary<string, string?> Variables,
    bool Interactive,
    HttpMessageHandler? Handler = null)
{
    public IAnsiConsole Console { get; } = Create(Out, Interactive);
    public IAnsiConsole ErrorConsole { get; } = Create(Err, Interactive);

    /// <summary>The process's own console, variables and config directory (<c>$XDG_CONFIG_HOME/licensing</c>, else
    /// <c>~/.config/licensing</c>; <c>%APPDATA%\licensing</c> on Windows).</summary>
    public static CliEnvironment FromProcess()
    {
        var variables = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        var interactive = !System.Console.IsOutputRedirected && !System.Console.IsErrorRedirected;
        return new CliEnvironment(System.Console.Out, System.Console.Error, Path.Combine(baseDir, "licensing"), variables, interactive);
    }

    public string? Variable(string name) => Variables.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;

    /// <summary>Redirected output is for files and pipes: no colours, and wide enough that ids and keys are never cut.</summary>
    private static IAnsiConsole Create(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = 400;
        return console;
    }
}
