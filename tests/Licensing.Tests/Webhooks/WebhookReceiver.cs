using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Webhooks;

/// <summary>A webhook receiver on loopback (plain HTTP): records every request and answers with what the test says.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, string Id, string Timestamp, string Signature, string Body, int AnsweredStatus,
        IReadOnlyDictionary<string, string> Headers);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly Func<int, HttpContext, int> _answer;
    private int _count;

    private WebhookReceiver(WebApplication app, Func<int, HttpContext, int> answer) => (_app, _answer) = (app, answer);

    public Uri Uri { get; private set; } = null!;

    public IReadOnlyList<Received> Requests => [.. _received];

    /// <param name="answer">The status for the n-th request (1-based); 200 for all when omitted.</param>
    public static async Task<WebhookReceiver> StartAsync(Func<int, HttpContext, int>? answer = null, IPAddress? address = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address ?? IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, answer ?? ((_, _) => 200));
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Uri = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var n = Interlocked.Increment(ref _count);
        var status = _answer(n, context);
        _received.Enqueue(new Received(context.Request.Path, context.Request.Headers["webhook-id"].ToString(),
            context.Request.Headers["webhook-timestamp"].ToString(), context.Request.Headers["webhook-signature"].ToString(), body, status,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        context.Response.StatusCode = status;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests matching <paramref name="match"/> arrived (60 s at most); returns them.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, Func<Received, bool>? match = null)
    {
        var deadline = Support.Patience.Deadline;
        while (true)
        {
            var found = Requests.Where(match ?? (_ => true)).ToArray();
            if (found.Length >= count) return found;
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} webhook requests, got {found.Length}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
