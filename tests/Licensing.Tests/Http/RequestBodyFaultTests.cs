using System.Net;
using System.Net.Sockets;
using System.Text;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Http;

/// <summary>
/// Bodies that end early or trickle in: a clear problem+json answer (400 or 408), never a 500. Spoken over a raw
/// socket, since an HTTP client will not send a body shorter than its Content-Length.
/// </summary>
public sealed class RequestBodyFaultTests(SharedHost shared) : IClassFixture<SharedHost>
{
    [Fact]
    public async Task A_client_that_hangs_up_mid_body_is_no_error_of_the_server()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            services: s => s.AddLogging(b => b.AddProvider(logs)));
        await RawAsync(host, contentLength: 200, "{\"key\":\"LK1.", endBody: true);
        // Kestrel reports a hang-up mid-body either as the client going away or as a body that ended early: both are
        // the client's doing, logged as information; what must not appear is an error.
        var entry = await logs.WaitForAsync(e => e.Level >= LogLevel.Error || e.Message.Contains("closed the connection", StringComparison.Ordinal) ||
                                                 e.Message.Contains("could not be read whole", StringComparison.Ordinal));
        Assert.True(entry.Level < LogLevel.Error, entry.Message);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_is_408_problem_json()
    {
        // Kestrel's minimum body data rate (240 bytes/s after a 5 s grace period) ends the wait; the test waits for
        // the answer, however long the server takes to give it.
        var answer = await RawAsync(shared.Host, contentLength: 200, "{\"key\":\"LK1.", endBody: false);
        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("application/problem+json", answer);
        Assert.Contains("\"code\":\"REQUEST_TIMEOUT\"", answer);
    }

    [Theory]
    [InlineData(20_000, HttpStatusCode.OK)] // read over several growing buffers, then parsed
    [InlineData(70_000, HttpStatusCode.RequestEntityTooLarge)]
    public async Task A_body_of_unknown_length_is_read_whole_up_to_64_KiB_and_refused_past_it(int keyLength, HttpStatusCode expected)
    {
        // Sent in chunks with no Content-Length, so the server cannot size its buffer up front.
        var body = Encoding.UTF8.GetBytes($"{{\"domain\":\"customer-site.com\",\"key\":\"{new string('K', keyLength)}\"}}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/validate") { Content = new StreamContent(new MemoryStream(body), 1024) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await shared.Host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, text);
        if (expected == HttpStatusCode.OK)
            Assert.Contains("\"valid\":false", text); // the key read whole: a verdict on it (no such key), not a body error
        else
            Assert.Contains("\"code\":\"PAYLOAD_TOO_LARGE\"", text);
    }

    private static async Task<string> RawAsync(TestHost host, int contentLength, string partialBody, bool endBody)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = client.GetStream();
        var head = $"POST {host.BaseAddress.AbsolutePath}v1/validate HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n{partialBody}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.FlushAsync();
        if (endBody) client.Client.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[8192];
        var answer = new StringBuilder();
        while (!answer.ToString().Contains("\"code\"", StringComparison.Ordinal))
        {
            int read;
            try { read = await stream.ReadAsync(buffer, timeout.Token); }
            catch (IOException) { break; }
            if (read == 0) break;
            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return answer.ToString();
    }
}
