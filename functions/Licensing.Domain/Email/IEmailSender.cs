namespace Licensing.Domain.Email;

public sealed record EmailMessage(string To, string Subject, string Text, string Html, string MessageId);

/// <summary>One sender interface; Azure Communication Services in Azure, SMTP (MailKit) locally.</summary>
public interface IEmailSender
{
    /// <summary>
    /// Sends the message. Throws <see cref="OperationCanceledException"/> only while nothing was handed to the provider
    /// yet (the outbox then gives its claim back at once); once the message is on its way the send finishes, so a
    /// shutdown never reports "not sent" for a message the provider may have accepted.
    /// </summary>
    Task SendAsync(EmailMessage message, CancellationToken ct);
}
