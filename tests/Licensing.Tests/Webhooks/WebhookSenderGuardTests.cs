using System.Net;
using Licensing.Domain.Webhooks;
using Licensing.Functions.Webhooks;

namespace Licensing.Tests.Webhooks;

/// <summary>
/// The guard at connection time, against a real listener: the name is resolved when the attempt is made and a
/// non-public answer is refused before any byte is sent, whatever the URL looked like when it was registered.
/// </summary>
public sealed class WebhookSenderGuardTests
{
    private static readonly WebhookMessage Message = new("msg_test", 1_700_000_000, "v1,x", "{\"type\":\"ping\"}");

    private static Func<string, CancellationToken, Task<IPAddress[]>> Resolver(params IPAddress[] addresses) => (_, _) => Task.FromResult(addresses);

    [Fact]
    public async Task A_public_name_that_resolves_to_loopback_at_send_time_is_refused_and_nothing_reaches_the_listener()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Registration accepts the name (it is public-looking and https); DNS then points it at the receiver on loopback.
        var url = new Uri($"https://rebind.example.com:{receiver.Uri.Port}/hook");
        Assert.NotNull(WebhookTargets.CheckUrl(url.AbsoluteUri, allowLoopback: false, out _));
        using var sender = new WebhookHttpSender(allowLoopback: false, Resolver(IPAddress.Loopback));
        var response = await sender.SendAsync(url, Message, CancellationToken.None);
        Assert.Null(response.Status);
        Assert.StartsWith("target refused", response.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("10.0.0.7")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("fd00::1")]
    [InlineData("100.64.1.1")]
    public async Task Names_resolving_to_metadata_private_cgnat_or_mapped_addresses_are_refused_without_connecting(string address)
    {
        using var sender = new WebhookHttpSender(allowLoopback: false, Resolver(IPAddress.Parse(address)));
        var response = await sender.SendAsync(new Uri("https://hooks.example.com/in"), Message, CancellationToken.None);
        Assert.Null(response.Status);
        Assert.StartsWith("target refused", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_allowed_addresses_of_a_mixed_answer_are_dialled()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // A private address first: it must be skipped, not tried (it would hang or reach an internal service).
        using var sender = new WebhookHttpSender(allowLoopback: true, Resolver(IPAddress.Parse("10.255.255.1"), IPAddress.Loopback));
        var response = await sender.SendAsync(new Uri($"http://hook.localhost:{receiver.Uri.Port}/in"), Message, CancellationToken.None);
        Assert.Equal(200, response.Status);
        var got = Assert.Single(receiver.Requests);
        Assert.Equal("msg_test", got.Id);
        Assert.Equal("1700000000", got.Timestamp);
        Assert.Equal("v1,x", got.Signature);
        Assert.Equal(Message.Body, got.Body);
        Assert.StartsWith("application/json", got.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_and_loopback_literals_are_refused_outside_local_runs()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = new WebhookHttpSender(allowLoopback: false);
        foreach (var url in new[] { receiver.Uri, new Uri($"https://127.0.0.1:{receiver.Uri.Port}/"), new Uri($"https://[::1]:{receiver.Uri.Port}/") })
        {
            var response = await sender.SendAsync(url, Message, CancellationToken.None);
            Assert.StartsWith("target refused", response.Error, StringComparison.Ordinal);
        }
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        await using var elsewhere = await WebhookReceiver.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync((_, context) =>
        {
            context.Response.Headers.Location = new Uri(elsewhere.Uri, "/stolen").AbsoluteUri;
            return 307;
        });
        using var sender = new WebhookHttpSender(allowLoopback: true);
        var response = await sender.SendAsync(new Uri(receiver.Uri, "/hook"), Message, CancellationToken.None);
        Assert.Equal(307, response.Status);
        Assert.False(response.Delivered);
        Assert.Single(receiver.Requests);
        Assert.Empty(elsewhere.Requests);
    }
}
