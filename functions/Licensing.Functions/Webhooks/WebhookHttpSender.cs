using System.Net;
using System.Net.Sockets;
using System.Text;
using Licensing.Domain.Webhooks;

namespace Licensing.Functions.Webhooks;

/// <summary>
/// Sends webhooks over HTTP with the target guard at connection time: the host name is resolved here and the
/// connection is made only to an address <see cref="WebhookTargets.IsAllowed"/> accepts, so a name that resolves (or
/// is re-pointed) to a private, loopback or metadata address is refused however it passed registration. No proxy, no
/// redirects followed (a 3xx is a failed attempt), <see cref="WebhookPolicy.Timeout"/> for the whole attempt.
/// </summary>
public sealed class WebhookHttpSender : IWebhookSender, IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _allowLoopback;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <param name="resolve">Name resolution (DNS by default; tests give a resolver that re-points a name, as DNS rebinding would).</param>
    public WebhookHttpSender(bool allowLoopback, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _allowLoopback = allowLoopback;
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = WebhookPolicy.Timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("licensing-webhooks/1");
    }

    public async Task<WebhookResponse> SendAsync(Uri url, WebhookMessage message, CancellationToken ct)
    {
        if (WebhookTargets.CheckUrl(url.AbsoluteUri, _allowLoopback, out var refused) is null)
            return new WebhookResponse(null, "target refused: the URL " + refused);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(message.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", message.Id);
        request.Headers.Add("webhook-timestamp", message.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", message.Signature);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return new WebhookResponse((int)response.StatusCode, null);
        }
        catch (HttpRequestException e) when (e.InnerException is TargetRefusedException refusedTarget)
        {
            return new WebhookResponse(null, "target refused: " + refusedTarget.Message);
        }
        catch (HttpRequestException e)
        {
            return new WebhookResponse(null, "connection failed: " + e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookResponse(null, $"no answer within {WebhookPolicy.Timeout.TotalSeconds:0} s");
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await _resolve(host, ct);
        var allowed = addresses.Where(a => WebhookTargets.IsAllowed(a, _allowLoopback)).ToArray();
        if (allowed.Length == 0) throw new TargetRefusedException($"{host} resolves to no public address");
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception e)
            {
                socket.Dispose();
                if (e is not SocketException) throw;
                last = e;
            }
        }
        throw last!;
    }

    public void Dispose() => _http.Dispose();

    private sealed class TargetRefusedException(string message) : Exception(message);
}
