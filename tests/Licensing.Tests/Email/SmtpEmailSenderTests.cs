using System.Net;
using System.Net.Sockets;
using System.Text;
using Licensing.Domain.Email;
using Licensing.Functions.Email;
using Licensing.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Email;

/// <summary>
/// The SMTP sender against a scripted SMTP server on a loopback socket (each exchange the server's to hold or cut):
/// a shutdown never reports "not sent" for a message the server may already have, and it still cancels one that
/// was not handed over. smtp4dev covers the ordinary send everywhere else.
/// </summary>
public sealed class SmtpEmailSenderTests
{
    private static readonly EmailMessage Message = new("buyer@example.com", "Your key", "text", "<p>html</p>", "<license-1@licensing>");

    [Fact]
    public async Task A_shutdown_while_the_server_takes_the_message_does_not_cancel_it()
    {
        await using var server = new ScriptedSmtp();
        using var shutdown = new CancellationTokenSource();
        var send = Sender(server).SendAsync(Message, shutdown.Token);
        await server.DataReceived.Task.WaitAsync(Support.Patience.Bound);
        await shutdown.CancelAsync();
        server.AnswerData.SetResult();
        await send; // completes: the server answered 250, the message is sent
        Assert.Equal(1, server.Messages);
    }

    [Fact]
    public async Task A_session_cut_after_the_message_was_accepted_is_still_a_sent_message()
    {
        await using var server = new ScriptedSmtp { CutOnQuit = true };
        server.AnswerData.SetResult();
        await Sender(server).SendAsync(Message, default);
        Assert.Equal(1, server.Messages);
    }

    [Fact]
    public async Task A_shutdown_before_the_message_is_handed_over_cancels_the_send()
    {
        await using var server = new ScriptedSmtp { HoldGreeting = true };
        using var shutdown = new CancellationTokenSource();
        var send = Sender(server).SendAsync(Message, shutdown.Token);
        await server.Connected.Task.WaitAsync(Support.Patience.Bound);
        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal(0, server.Messages);
    }

    [Fact]
    public async Task A_message_the_server_refuses_is_an_error()
    {
        await using var server = new ScriptedSmtp { RefuseData = true };
        server.AnswerData.SetResult();
        await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => Sender(server).SendAsync(Message, default));
    }

    private static SmtpEmailSender Sender(ScriptedSmtp server) =>
        new(Options.Create(new LicensingOptions { Email = new EmailOptions { SmtpHost = "127.0.0.1", SmtpPort = server.Port } }));

    /// <summary>One SMTP session, answered line by line; the answer to the message's end waits for <see cref="AnswerData"/>.</summary>
    private sealed class ScriptedSmtp : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _session;

        public ScriptedSmtp()
        {
            _listener.Start();
            _session = Task.Run(ServeAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public bool HoldGreeting { get; init; }

        public bool CutOnQuit { get; init; }

        public bool RefuseData { get; init; }

        public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource DataReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource AnswerData { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Messages { get; private set; }

        private async Task ServeAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            Connected.SetResult();
            if (HoldGreeting)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }
            await writer.WriteLineAsync("220 scripted ESMTP");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO": await writer.WriteLineAsync("250 scripted"); break;
                    case "MAIL" or "RCPT": await writer.WriteLineAsync("250 OK"); break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        while (await reader.ReadLineAsync(_stop.Token) is { } body && body != ".") { }
                        DataReceived.TrySetResult();
                        await AnswerData.Task.WaitAsync(_stop.Token);
                        if (RefuseData)
                        {
                            await writer.WriteLineAsync("554 refused");
                            break;
                        }
                        Messages++;
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        if (!CutOnQuit) await writer.WriteLineAsync("221 bye");
                        return;
                    default: await writer.WriteLineAsync("502 not implemented"); break;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try { await _session; } catch (Exception) { /* the session ends with the listener */ }
            _stop.Dispose();
        }
    }
}
