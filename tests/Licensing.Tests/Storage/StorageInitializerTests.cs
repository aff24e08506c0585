using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Licensing.Tests.Storage;

/// <summary>
/// A store slower than start-up's wait (a cold start, a busy emulator): the tables and queues are still created by the attempt
/// that was under way, not by one begun again after a pause, so requests meet no missing queue for longer than the store needs.
/// </summary>
public sealed class StorageInitializerTests
{
    /// <summary>Holds every storage request until <see cref="Open"/>, and counts the requests that reached it.</summary>
    private sealed class Gate : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Sent;

        /// <summary>Completes when the first request reaches the gate.</summary>
        public Task Arrived => _arrived.Task;

        public void Open() => _open.TrySetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref Sent);
            _arrived.TrySetResult();
            await _open.Task.WaitAsync(message.CancellationToken);
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the app calls storage asynchronously");
    }

    [Fact]
    public async Task A_store_slower_than_start_up_gets_its_queues_from_the_attempt_under_way()
    {
        await TestHost.RequireAzuriteAsync();
        var gate = new Gate();
        var tableOptions = StorageRegistration.TableOptions();
        tableOptions.AddPolicy(gate, HttpPipelinePosition.PerCall);
        var queueOptions = StorageRegistration.QueueOptions();
        queueOptions.AddPolicy(gate, HttpPipelinePosition.PerCall);
        var prefix = OwnQueues.NewPrefix();
        var queues = new QueueStorage(new OwnQueues(TestHost.Azurite, prefix, queueOptions));
        var initializer = new StorageInitializer(new TableStorage(new TableServiceClient(TestHost.Azurite, tableOptions)), queues,
            NullLogger<StorageInitializer>.Instance, firstAttempt: TimeSpan.FromMilliseconds(50));

        await initializer.StartAsync(CancellationToken.None); // start-up stops waiting: the store has not answered
        await gate.Arrived.WaitAsync(Patience.Bound);
        Assert.False(initializer.Created.IsCompleted);
        Assert.Equal(1, gate.Sent); // the first table's request, held

        gate.Open();
        await initializer.Created.WaitAsync(Patience.Bound);
        // Every table and queue asked for once: the attempt under way finished, none was cancelled and begun again.
        Assert.Equal(TableStorage.AllTables.Count + QueueStorage.AllQueues.Count, gate.Sent);
        var plain = new QueueServiceClient(TestHost.Azurite);
        foreach (var name in QueueStorage.AllQueues)
            Assert.True((await plain.GetQueueClient(prefix + name).ExistsAsync()).Value, $"{prefix + name} was not created");
        await initializer.StopAsync(CancellationToken.None);
        foreach (var name in QueueStorage.AllQueues) await plain.GetQueueClient(prefix + name).DeleteIfExistsAsync();
    }

    [Fact]
    public async Task A_host_stopping_while_storage_hangs_stops_without_a_fault()
    {
        var gate = new Gate(); // never opened: a store that never answers
        var tableOptions = StorageRegistration.TableOptions();
        tableOptions.AddPolicy(gate, HttpPipelinePosition.PerCall);
        var initializer = new StorageInitializer(new TableStorage(new TableServiceClient(TestHost.Azurite, tableOptions)),
            new QueueStorage(new QueueServiceClient(TestHost.Azurite)), NullLogger<StorageInitializer>.Instance, TimeSpan.FromMilliseconds(50));

        await initializer.StartAsync(CancellationToken.None);
        await gate.Arrived.WaitAsync(Patience.Bound);
        await initializer.StopAsync(CancellationToken.None);
        Assert.True(initializer.Created.IsCompletedSuccessfully);
        Assert.Equal(1, gate.Sent); // the one request under way, cancelled by the stop; no second attempt
    }
}
