using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Licensing.Tests.Support;

/// <summary>
/// A storage endpoint that hangs: it accepts connections and reads requests but never answers, like a frozen Azurite.
/// Keeps the request line of every HTTP request it receives, so a test can wait for one and see whether it was retried.
/// </summary>
public sealed class BlackHoleServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = [];
    private readonly Task _accepting;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public BlackHoleServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many requests so far had a request line containing <paramref name="fragment"/>.</summary>
    public int Count(string fragment) => _lines.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Azurite's development account, every service at this endpoint.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;" +
        $"BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public async Task WaitForAsync(string fragment, int count)
    {
        using var timeout = new CancellationTokenSource(Patience.Bound);
        while (Count(fragment) < count) await Task.Delay(10, timeout.Token);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            lock (_held) _held.Add(client);
            _ = DrainAsync(client);
        }
    }

    private async Task DrainAsync(TcpClient client)
    {
        var buffer = new byte[16384];
        try
        {
            var stream = client.GetStream();
            while (true)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                foreach (var line in Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n"))
                    if (line.EndsWith(" HTTP/1.1", StringComparison.Ordinal)) _lines.Enqueue(Uri.UnescapeDataString(line));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_held)
            foreach (var c in _held) c.Dispose();
        await _accepting;
    }
}
