using Licensing.LocalHost;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.LocalHost;

/// <summary>The local host's own settings are checked when it starts, and it runs as Development.</summary>
public sealed class LocalHostStartTests
{
    /// <summary>A local host on a free port with no queues or timers, plus <paramref name="key"/> set to <paramref name="value"/>.</summary>
    internal static WebApplication BuildWith(string key, string value) => LocalFunctionsHost.Build([], new Dictionary<string, string?>
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Licensing:StorageConnection"] = TestHost.Azurite,
        ["Licensing:Signing:LocalKeyPath"] = TestHost.SigningKeyPath,
        ["LocalHost:DisableQueues"] = "true",
        ["LocalHost:DisableTimers"] = "true",
        [key] = value,
    }, Repo.Root);

    private static async Task<Exception?> StartWith(string key, string value)
    {
        await using var app = BuildWith(key, value);
        var failure = await Record.ExceptionAsync(() => app.StartAsync());
        if (failure is null) await app.StopAsync();
        return failure;
    }

    [Theory]
    [InlineData("LocalHost:MaxPollingMilliseconds", "0")]
    [InlineData("LocalHost:MaxPollingMilliseconds", "-5")]
    [InlineData("LocalHost:QueueRetryDelayMilliseconds", "-1")]
    [InlineData("LocalHost:QueueRetryDelayMilliseconds", "999999999999")]
    public async Task An_out_of_range_setting_stops_the_start_and_names_the_setting(string key, string value)
    {
        var failure = await StartWith(key, value);
        Assert.True(failure is OptionsValidationException or InvalidOperationException, failure?.ToString() ?? "the host started");
        Assert.Contains(key.Split(':')[1], failure!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LocalHost:DisableQueues", "yes")]
    [InlineData("LocalHost:DisableTimer", "true")]
    public async Task A_malformed_or_unknown_setting_stops_the_start_and_names_the_setting(string key, string value)
    {
        var failure = await StartWith(key, value);
        Assert.True(failure is InvalidOperationException, failure?.ToString() ?? "the host started");
        Assert.Contains(key.Split(':')[1], failure!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_settings_start_the_host()
    {
        await TestHost.RequireAzuriteAsync();
        Assert.Null(await StartWith("LocalHost:MaxPollingMilliseconds", "200"));
    }

    [Fact]
    public async Task The_local_host_runs_as_Development()
    {
        await using var host = await TestHost.StartAsync(queues: false);
        Assert.True(host.Services.GetService(typeof(IHostEnvironment)) is IHostEnvironment { EnvironmentName: "Development" });
    }
}
