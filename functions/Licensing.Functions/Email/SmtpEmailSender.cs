using Licensing.Domain.Email;
using Licensing.Functions.Hosting;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Licensing.Functions.Email;

/// <summary>SMTP with MailKit: smtp4dev locally (scripts/run.sh starts it), any SMTP relay elsewhere.</summary>
public sealed class SmtpEmailSender(IOptions<LicensingOptions> options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var o = options.Value.Email;
        var mime = new MimeMessage { Subject = message.Subject, MessageId = message.MessageId.Trim('<', '>') };
        mime.From.Add(MailboxAddress.Parse(o.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html }.ToMessageBody();

        using var client = new SmtpClient { Timeout = 15_000 };
        await client.ConnectAsync(o.SmtpHost, o.SmtpPort, o.SmtpStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(o.SmtpUser)) await client.AuthenticateAsync(o.SmtpUser, o.SmtpPassword ?? "", ct);
        // Once the message is on its way it is finished, not cancelled: a shutdown while the server takes it (or before its
        // answer is read) would report "not sent" for a message the server may have accepted, and the outbox would send
        // it again. The client's timeout still bounds a server that stops answering.
        await client.SendAsync(mime, CancellationToken.None);
        try
        {
            await client.DisconnectAsync(true, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or MailKit.ProtocolException or SmtpCommandException or OperationCanceledException or TimeoutException)
        {
            // The server accepted the message; how the session ends does not change that.
        }
    }
}
