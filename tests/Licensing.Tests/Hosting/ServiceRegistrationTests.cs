using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Licensing.Functions.Hosting;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Hosting;

public sealed class ServiceRegistrationTests
{
    /// <summary>A local configuration against the test run's Azurite.</summary>
    private static IConfiguration Local() =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Licensing:StorageConnection"] = TestHost.Azurite }).Build();

    [Fact]
    public async Task Options_are_validated_again_when_the_host_starts()
    {
        // Registration checks the configuration it is given; anything that changes the options afterwards is caught at start.
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLicensing(Local());
        builder.Services.Configure<LicensingOptions>(o => o.ClientAddress.TrustedHops = 0);
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Licensing:ClientAddress", e.Message);
    }

    [Fact]
    public void Storage_clients_retry_briefly()
    {
        var table = StorageRegistration.TableOptions().Retry;
        Assert.Equal((RetryMode.Exponential, 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
            (table.Mode, table.MaxRetries, table.Delay, table.MaxDelay, table.NetworkTimeout));
        var queue = StorageRegistration.QueueOptions();
        Assert.Equal((RetryMode.Exponential, 3, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)),
            (queue.Retry.Mode, queue.Retry.MaxRetries, queue.Retry.Delay, queue.Retry.MaxDelay, queue.Retry.NetworkTimeout));
    }

    /// <summary>Fails the first <paramref name="failures"/> attempts of every call the way a busy store's dropped connection does.</summary>
    private sealed class FailFirstAttempts(int failures) : HttpPipelinePolicy
    {
        public int Attempts;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Interlocked.Increment(ref Attempts) <= failures) throw new IOException("the store dropped the connection");
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the app calls storage asynchronously");
    }

    [Fact]
    public async Task A_queue_send_rides_out_three_failed_attempts()
    {
        // A sign-in link or a provider's webhook is queued on a click or a call: a busy store's brief refusal is retried, not a 503.
        await TestHost.RequireAzuriteAsync();
        var flaky = new FailFirstAttempts(3);
        var options = StorageRegistration.QueueOptions();
        options.AddPolicy(flaky, HttpPipelinePosition.PerRetry);
        var name = "registration-" + Guid.NewGuid().ToString("N")[..12];
        await new QueueClient(TestHost.Azurite, name).CreateAsync();
        try
        {
            await new QueueClient(TestHost.Azurite, name, options).SendMessageAsync("sent after three failures");
            Assert.Equal(4, flaky.Attempts);
            var raw = (await new QueueClient(TestHost.Azurite, name).ReceiveMessageAsync()).Value;
            Assert.Equal(Convert.ToBase64String("sent after three failures"u8), raw.MessageText);
        }
        finally
        {
            await new QueueClient(TestHost.Azurite, name).DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task The_storage_clients_leave_the_Azure_SDK_event_sources_off()
    {
        // A listener on them (Microsoft.Extensions.Azure's log forwarder) makes every storage request format its headers into events
        // that nobody reads. No host of this test run enables them, so while this one runs and calls storage they stay off.
        await TestHost.RequireAzuriteAsync();
        using var provider = new ServiceCollection().AddLogging().AddLicensing(Local()).BuildServiceProvider();
        var missing = provider.GetRequiredService<TableStorage>().Table("registration" + Guid.NewGuid().ToString("N")[..12]);
        await Assert.ThrowsAsync<RequestFailedException>(() => missing.GetEntityAsync<TableEntity>("p", "r"));
        await provider.GetRequiredService<QueueStorage>().Queue("registration-" + Guid.NewGuid().ToString("N")[..12]).ExistsAsync();
        var azure = System.Diagnostics.Tracing.EventSource.GetSources().Where(s => s.Name.StartsWith("Azure-", StringComparison.Ordinal)).ToList();
        Assert.Contains(azure, s => s.Name == "Azure-Core"); // the SDK made its sources: there was something to switch on
        Assert.All(azure, s => Assert.False(s.IsEnabled(), $"{s.Name} is enabled"));
    }

    [Fact]
    public async Task Messages_the_app_enqueues_are_base64_as_the_Functions_queue_extension_reads_them()
    {
        await TestHost.RequireAzuriteAsync();
        using var provider = new ServiceCollection().AddLogging().AddLicensing(Local()).BuildServiceProvider();
        var name = "registration-" + Guid.NewGuid().ToString("N")[..12];
        var queue = provider.GetRequiredService<QueueStorage>().Queue(name);
        await queue.CreateAsync();
        try
        {
            await queue.SendMessageAsync("{\"id\":\"évt\"}");
            var raw = (await new QueueClient(TestHost.Azurite, name).ReceiveMessageAsync()).Value;
            Assert.Equal(Convert.ToBase64String("{\"id\":\"évt\"}"u8), raw.MessageText);
        }
        finally
        {
            await queue.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task Azure_SDK_request_events_are_not_logged()
    {
        await TestHost.RequireAzuriteAsync();
        var logs = new CapturingLoggerProvider();
        using var provider = new ServiceCollection().AddLogging(b => b.AddProvider(logs))
            .AddLicensing(Local()).BuildServiceProvider();
        var missing = provider.GetRequiredService<TableStorage>().Table("registration" + Guid.NewGuid().ToString("N")[..12]);
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => missing.AddEntityAsync(new TableEntity("p", "r")));
        Assert.Equal(404, e.Status);
        Assert.DoesNotContain(logs.Entries, entry => entry.Category.StartsWith("Azure", StringComparison.Ordinal));
    }
}
