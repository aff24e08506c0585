using Azure.Storage.Queues;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.LocalHost;

/// <summary>The test rig's own-queues host: what it sends stays on queues no other host reads.</summary>
public sealed class OwnQueuesTests
{
    [Fact]
    public async Task A_host_with_its_own_queues_sends_and_reads_queues_no_other_host_names()
    {
        await using var own = await TestHost.StartAsync(queues: false, ownQueues: true);
        await using var other = await TestHost.StartAsync(queues: false, ownQueues: true);
        var mine = own.Services.GetRequiredService<QueueStorage>();
        var theirs = other.Services.GetRequiredService<QueueStorage>();
        foreach (var name in QueueStorage.AllQueues)
        {
            Assert.EndsWith("-" + name, mine.Queue(name).Name);
            Assert.NotEqual(name, mine.Queue(name).Name);
            Assert.NotEqual(theirs.Queue(name).Name, mine.Queue(name).Name);
            Assert.True((await mine.Queue(name).ExistsAsync()).Value, $"{mine.Queue(name).Name} was not created at start");
        }

        var body = "own-" + Guid.NewGuid().ToString("N");
        await mine.SendAsync(QueueStorage.SignInRequests, body, null, CancellationToken.None);
        var shared = new QueueClient(TestHost.Azurite, QueueStorage.SignInRequests, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await shared.CreateIfNotExistsAsync();
        Assert.DoesNotContain((await shared.PeekMessagesAsync(32)).Value, m => m.Body.ToString() == body);
        Assert.Contains((await mine.Queue(QueueStorage.SignInRequests).PeekMessagesAsync(32)).Value, m => m.Body.ToString() == body);
    }
}
