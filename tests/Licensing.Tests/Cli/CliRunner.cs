using System.Text.Json;
using Licensing.Cli;

namespace Licensing.Tests.Cli;

/// <summary>Runs the `licensing` command line in-process against a host, with its own config directory.</summary>
public sealed class CliRunner : IDisposable
{
    public CliRunner(Uri api, string? apiKey = null)
    {
        ConfigDirectory = Directory.CreateTempSubdirectory("licensing-cli-").FullName;
        Variables = new Dictionary<string, string?> { ["LICENSING_URL"] = api.AbsoluteUri, ["LICENSING_API_KEY"] = apiKey };
    }

    public string ConfigDirectory { get; }
    public Dictionary<string, string?> Variables { get; }

    /// <summary>The HTTP handler the command line's client sends through (null: its own).</summary>
    public HttpMessageHandler? Handler { get; init; }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(default, args);

    public async Task<CliResult> RunAsync(CancellationToken ct, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliEnvironment(output, error, ConfigDirectory, Variables, Interactive: false, Handler), ct);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(ConfigDirectory, recursive: true);
}

public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    public CliResult Ok()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}\nstdout: {Out}\nstderr: {Err}");
        return this;
    }
}
